import type { ReactNode } from 'react';
import { SourceNote, type SourceRelease } from './SourceNote';

/** A profile section: heading, content (or the empty text) and the data source under it. */
export function Section({
  id,
  title,
  sources,
  empty,
  emptyText,
  children,
}: {
  id: string;
  title: string;
  sources: SourceRelease[];
  empty: boolean;
  emptyText: string;
  children: ReactNode;
}) {
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{title}</h2>
      {empty ? <p className="empty">{emptyText}</p> : children}
      <SourceNote sources={sources} />
    </section>
  );
}
