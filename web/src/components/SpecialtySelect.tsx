import { useSpecialties } from '../hooks/useSpecialties';

/** The specialty filter, filled from GET /api/v1/specialties. */
export function SpecialtySelect({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (code: string) => void;
}) {
  const { data, isError } = useSpecialties();
  return (
    <div className="field">
      <label htmlFor={id}>Specialty</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{isError ? 'Any (list unavailable)' : 'Any specialty'}</option>
        {value && !data?.some((s) => s.code === value) && <option value={value}>{value}</option>}
        {data?.map((s) => (
          <option key={s.code} value={s.code}>
            {s.name}
          </option>
        ))}
      </select>
    </div>
  );
}
