// A horizontal bar: how much of a capacity is taken (requests against allocatable CPU, say).
export function Meter({
  value,
  max,
  label,
  detail,
}: {
  value: number;
  max: number;
  /** Accessible name: "CPU requests on node-a". */
  label: string;
  /** Text beside the bar: "1.5 / 4 cores". */
  detail?: string;
}) {
  const ratio = max > 0 ? value / max : 0;
  const percent = Math.round(ratio * 100);
  const tone = ratio >= 0.9 ? 'error' : ratio >= 0.7 ? 'warn' : 'ok';
  return (
    <div className="meter">
      {/* The native element carries the semantics; the styled bar is only its picture. */}
      <meter
        className="visually-hidden"
        min={0}
        max={max > 0 ? max : 1}
        value={value}
        aria-label={label}
        aria-valuetext={detail ?? `${percent}%`}
      />
      <div className="meter-track" aria-hidden="true">
        <div className={`meter-fill meter-${tone}`} style={{ width: `${Math.min(100, percent)}%` }} />
      </div>
      <span className="meter-detail">
        {detail ?? ''} <span className="muted">({percent}%)</span>
      </span>
    </div>
  );
}
