// A destructive action that needs a second click: the first turns the button into "Confirm …" for a few
// seconds. No modal, so keyboard users confirm with the same key.
import { type ReactNode, useEffect, useState } from 'react';
import { Button, type ButtonVariant } from './Button.tsx';

const ARMED_FOR_MS = 4000;

export function ConfirmButton({
  onConfirm,
  children,
  confirmLabel,
  variant = 'danger',
  disabled,
  busy,
  title,
}: {
  onConfirm: () => void;
  children: ReactNode;
  /** The armed button's text; by default "Confirm" followed by the children. */
  confirmLabel?: ReactNode;
  variant?: ButtonVariant;
  disabled?: boolean;
  busy?: boolean;
  title?: string;
}) {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const timer = setTimeout(() => setArmed(false), ARMED_FOR_MS);
    return () => clearTimeout(timer);
  }, [armed]);
  return (
    <Button
      variant={armed ? variant : 'default'}
      disabled={disabled}
      busy={busy}
      title={title}
      onClick={() => {
        if (armed) {
          setArmed(false);
          onConfirm();
        } else setArmed(true);
      }}
    >
      {armed ? (confirmLabel ?? <>Confirm {children}</>) : children}
    </Button>
  );
}
