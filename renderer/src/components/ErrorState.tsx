// A failure, in the API's own words, with a way to try again when there is one.
export function ErrorState({ message, retry }: { message: string; retry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <div className="state-title">Something went wrong</div>
      <div className="state-hint">{message}</div>
      {retry && (
        <div className="state-action">
          <button type="button" className="btn" onClick={retry}>
            Try again
          </button>
        </div>
      )}
    </div>
  );
}
