import { formatDate } from '../lib/format';

export interface SourceRelease {
  dataset: string;
  release: string;
  loaded_at: string | null;
  data_year: number | null;
}

/** "Source: NPPES, release …, loaded …" under each profile section (the data's lineage). */
export function SourceNote({ sources }: { sources: SourceRelease[] }) {
  if (sources.length === 0) return null;
  return (
    <p className="source">
      Source:{' '}
      {sources.map((s, i) => (
        <span key={`${s.dataset}-${s.release}`}>
          {i > 0 && '; '}
          {s.dataset}, release {s.release}
          {s.data_year ? ` (data year ${s.data_year})` : ''}
          {s.loaded_at ? `, loaded ${formatDate(s.loaded_at)}` : ''}
        </span>
      ))}
    </p>
  );
}
