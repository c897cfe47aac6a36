/** A 1–5 star rating, read out as words. */
export function Stars({ rating }: { rating: number | null }) {
  if (rating === null) return <span className="muted">Not rated</span>;
  const r = Math.max(0, Math.min(5, Math.round(rating)));
  return (
    <span className="stars" role="img" aria-label={`${r} out of 5 stars`}>
      <span aria-hidden="true">{'★'.repeat(r)}</span>
      <span aria-hidden="true" className="stars-off">
        {'★'.repeat(5 - r)}
      </span>
    </span>
  );
}
