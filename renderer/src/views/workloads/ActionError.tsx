// An action's failure, beside its buttons, in the API's own words.
export function ActionError({ message, onDismiss }: { message: string | undefined; onDismiss?: () => void }) {
  if (!message) return null;
  return (
    <p className="inline-error action-error" role="alert">
      <span>{message}</span>
      {onDismiss && (
        <button
          type="button"
          className="btn btn-ghost action-error-dismiss"
          aria-label="Dismiss error"
          onClick={onDismiss}
        >
          ×
        </button>
      )}
    </p>
  );
}
