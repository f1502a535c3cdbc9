// Waiting for the cluster: a spinner and what is awaited.
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span className="state-hint">{label}</span>
    </div>
  );
}
