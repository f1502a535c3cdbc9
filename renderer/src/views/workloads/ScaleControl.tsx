// − / + and an editable count for a Deployment's or ReplicaSet's replicas (connection.scale). The count
// asked for is shown at once and clicks count from it, so + + from 3 asks for 4 then 5 even before the
// store shows 4. Scaling to zero stops every pod, so it asks first.
import { type FormEvent, useEffect, useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { useConnection } from '../../store/ConnectionContext.tsx';
import { ActionError } from './ActionError.tsx';
import { parseReplicas } from './scaleInput.ts';
import { useAction } from './useAction.ts';

export interface ScaleControlProps {
  kind: 'Deployment' | 'ReplicaSet';
  namespace: string;
  name: string;
  /** spec.replicas as the store has it. */
  replicas: number;
}

export function ScaleControl({ kind, namespace, name, replicas }: ScaleControlProps) {
  const connection = useConnection();
  const action = useAction();
  const [asked, setAsked] = useState<number | undefined>(undefined);
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const [inputError, setInputError] = useState<string | undefined>(undefined);
  const [confirmZero, setConfirmZero] = useState(false);

  // Once the store shows a new count and nothing is in flight, the store is the truth again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reacts to the store's count only
  useEffect(() => {
    if (!action.pending) setAsked(undefined);
  }, [replicas]);

  const shown = asked ?? replicas;

  const scaleTo = async (target: number) => {
    setConfirmZero(false);
    setInputError(undefined);
    const previous = asked;
    setAsked(target);
    setDraft(undefined);
    const ok = await action.run(() => connection.scale(kind, namespace, name, target));
    if (!ok) setAsked(previous);
  };

  const request = (target: number) => {
    if (target < 0) return;
    if (target === 0 && shown !== 0) setConfirmZero(true);
    else void scaleTo(target);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft === undefined) return;
    const parsed = parseReplicas(draft);
    if (!parsed.ok) {
      setInputError(parsed.error);
      return;
    }
    if (parsed.replicas === shown) setDraft(undefined);
    else request(parsed.replicas);
  };

  return (
    <div className="scale-control">
      <form className="scale-row" onSubmit={submit} aria-label={`Scale ${name}`}>
        <span className="scale-label">Replicas</span>
        <Button
          aria-label="Scale down"
          className="scale-step"
          disabled={action.pending || shown <= 0}
          onClick={() => request(shown - 1)}
        >
          −
        </Button>
        <input
          className="input scale-input"
          type="number"
          min={0}
          inputMode="numeric"
          aria-label="Replicas"
          aria-invalid={inputError !== undefined}
          value={draft ?? String(shown)}
          onChange={(e) => {
            setDraft(e.target.value);
            setInputError(undefined);
          }}
        />
        <Button
          aria-label="Scale up"
          className="scale-step"
          disabled={action.pending}
          onClick={() => request(shown + 1)}
        >
          +
        </Button>
        {draft !== undefined && (
          <Button type="submit" variant="primary" disabled={action.pending}>
            Scale
          </Button>
        )}
        {action.pending && <span className="muted">Scaling…</span>}
      </form>
      {confirmZero && (
        // biome-ignore lint/a11y/useSemanticElements: a group of buttons, not a form field set
        <div className="confirm-row" role="group" aria-label="Confirm scale to zero">
          <span>Scale {name} to 0 replicas? Every pod it runs will stop.</span>
          <Button variant="danger" onClick={() => void scaleTo(0)}>
            Scale to 0
          </Button>
          <Button variant="ghost" onClick={() => setConfirmZero(false)}>
            Cancel
          </Button>
        </div>
      )}
      {inputError && (
        <p className="inline-error" role="alert">
          {inputError}
        </p>
      )}
      <ActionError message={action.error} onDismiss={action.clearError} />
    </div>
  );
}
