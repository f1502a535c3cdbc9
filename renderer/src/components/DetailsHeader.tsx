// The title of a details panel, with its close button.
import { Button } from './Button.tsx';

export function DetailsHeader({
  kind,
  namespace,
  name,
  onClose,
}: {
  kind: string;
  namespace: string;
  name: string;
  onClose(): void;
}) {
  return (
    <header className="details-header">
      <div>
        <div className="muted details-kind">
          {kind} in {namespace}
        </div>
        <h2 className="details-title">{name}</h2>
      </div>
      <Button variant="ghost" aria-label="Close details" onClick={onClose}>
        ×
      </Button>
    </header>
  );
}
