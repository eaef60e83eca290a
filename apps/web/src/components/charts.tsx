/**
 * Small SVG charts: no chart library, nothing to load. Each chart is an image with a text summary for
 * screen readers, and a visible legend or labels with the exact amounts (charts show shape, text
 * shows numbers). Values are minor units; `format` turns one into text.
 */

export interface Bar {
  label: string;
  value: number;
  color: string;
}

/** Horizontal bars, largest first: spending by category. */
export function BarList({
  bars,
  format,
  title,
}: {
  bars: Bar[];
  format: (v: number) => string;
  title: string;
}) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  return (
    <figure className="chart" aria-label={title}>
      <ul className="bar-list">
        {bars.map((bar) => (
          <li key={bar.label}>
            <div className="bar-list-head">
              <span>{bar.label}</span>
              <span>{format(bar.value)}</span>
            </div>
            <svg viewBox="0 0 100 6" preserveAspectRatio="none" className="bar-track" aria-hidden="true">
              <rect x="0" y="0" width="100" height="6" rx="3" className="bar-bg" />
              <rect x="0" y="0" width={(bar.value / max) * 100} height="6" rx="3" fill={bar.color} />
            </svg>
          </li>
        ))}
      </ul>
    </figure>
  );
}

export interface Series {
  name: string;
  color: string;
  values: number[];
}

/** Grouped vertical bars per month: the trend of one series, or income against expenses. */
export function MonthBars({
  months,
  series,
  format,
  title,
}: {
  months: string[];
  series: Series[];
  format: (v: number) => string;
  title: string;
}) {
  const width = 320;
  const height = 160;
  const axis = 18;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const slot = width / Math.max(1, months.length);
  const barWidth = Math.max(2, (slot * 0.7) / Math.max(1, series.length));
  const summary = `${title}: ${months
    .map((m, i) => `${m} ${series.map((s) => `${s.name} ${format(s.values[i] ?? 0)}`).join(', ')}`)
    .join('; ')}`;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height + axis}`} role="img" aria-label={summary} className="month-bars">
        <line x1="0" x2={width} y1={height} y2={height} className="axis" />
        {months.map((month, i) => (
          <g key={month}>
            {series.map((s, j) => {
              const value = s.values[i] ?? 0;
              const h = (value / max) * (height - 8);
              const x = i * slot + (slot - barWidth * series.length) / 2 + j * barWidth;
              return (
                <rect
                  key={s.name}
                  x={x}
                  y={height - h}
                  width={barWidth - 1}
                  height={h}
                  rx="2"
                  fill={s.color}
                />
              );
            })}
            <text x={i * slot + slot / 2} y={height + 13} textAnchor="middle" className="axis-label">
              {month}
            </text>
          </g>
        ))}
      </svg>
      <figcaption className="legend">
        {series.map((s) => (
          <span key={s.name}>
            <span className="legend-swatch" style={{ background: s.color }} aria-hidden="true" />
            {s.name}: {format(s.values.reduce((a, b) => a + b, 0))} in all
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
