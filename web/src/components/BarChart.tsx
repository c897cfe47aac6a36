export interface Bar {
  label: string;
  value: number;
}

/**
 * A small vertical bar chart in plain SVG. The profile needs a handful of bars per year; a chart
 * library (Chart.js ~70 kB gzip, uPlot ~20 kB) would cost more than the whole screen. Screen readers get
 * the figures from the visually hidden table, which is also what the chart says.
 */
export function BarChart({
  title,
  bars,
  format,
}: {
  title: string;
  bars: Bar[];
  format: (v: number) => string;
}) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const width = 320;
  const height = 150;
  const top = 18;
  const bottom = 20;
  const slot = width / Math.max(1, bars.length);
  const barWidth = Math.min(56, slot * 0.6);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        height={height}
        aria-hidden="true"
        focusable="false"
        preserveAspectRatio="xMidYMid meet"
      >
        <line x1="0" x2={width} y1={height - bottom} y2={height - bottom} className="chart-axis" />
        {bars.map((b, i) => {
          const h = ((height - top - bottom) * b.value) / max;
          const x = i * slot + (slot - barWidth) / 2;
          const y = height - bottom - h;
          return (
            <g key={b.label}>
              <rect x={x} y={y} width={barWidth} height={h} rx="3" className="chart-bar" />
              <text x={x + barWidth / 2} y={y - 4} textAnchor="middle" className="chart-value">
                {format(b.value)}
              </text>
              <text x={x + barWidth / 2} y={height - 5} textAnchor="middle" className="chart-label">
                {b.label}
              </text>
            </g>
          );
        })}
      </svg>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <tbody>
          {bars.map((b) => (
            <tr key={b.label}>
              <th scope="row">{b.label}</th>
              <td>{format(b.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
