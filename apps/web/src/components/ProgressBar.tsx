/** Spent against a limit: a bar that turns amber at the alert threshold and red when over. */
export function ProgressBar({
  percent,
  alert,
  over,
  label,
}: {
  percent: number;
  alert: boolean;
  over: boolean;
  label: string;
}) {
  const tone = over ? 'over' : alert ? 'alert' : 'ok';
  const shown = Math.max(0, Math.min(100, percent));
  return (
    <div
      className={`progress progress-${tone}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(shown)}
      aria-valuetext={`${percent}% spent${over ? ', over budget' : ''}`}
    >
      <div className="progress-fill" style={{ width: `${shown}%` }} />
    </div>
  );
}
