// The join key another machine needs, with copy, a QR code (for a phone or a machine's camera) and the
// command to run there.
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { CopyButton } from './CopyButton.tsx';
import { joinCommand } from './joinKeyShape.ts';

export function JoinKeyPanel({ joinKey }: { joinKey: string }) {
  const [qr, setQr] = useState<string | undefined>();
  const [qrError, setQrError] = useState<string | undefined>();
  useEffect(() => {
    let current = true;
    setQr(undefined);
    QRCode.toDataURL(joinKey, { margin: 1, width: 220, errorCorrectionLevel: 'M' }).then(
      (url) => {
        if (current) setQr(url);
      },
      (err: unknown) => {
        if (current) setQrError(err instanceof Error ? err.message : String(err));
      },
    );
    return () => {
      current = false;
    };
  }, [joinKey]);
  const command = joinCommand(joinKey);
  return (
    <section className="join-key-panel" aria-label="Join key">
      <p>
        Anyone with this key can join the cluster and run its workloads: share it only with machines you
        trust.
      </p>
      <CopyableCode text={joinKey} className="join-key" copyLabel="Copy join key" />
      <div className="join-key-qr">
        {qr ? (
          <img src={qr} alt="QR code of the join key" width={220} height={220} data-testid="join-key-qr" />
        ) : qrError ? (
          <span className="muted">No QR code: {qrError}</span>
        ) : (
          <span className="muted">Drawing the QR code…</span>
        )}
      </div>
      <p>On the other machine, with Shoal installed, run:</p>
      <CopyableCode text={command} className="join-command" copyLabel="Copy join command" />
    </section>
  );
}

/** A line to copy, with its copy button beside it; the code's class is also its test id. */
function CopyableCode({
  text,
  className,
  copyLabel,
}: {
  text: string;
  className: string;
  copyLabel: string;
}) {
  return (
    <div className="join-key-row">
      <code className={className} data-testid={className}>
        {text}
      </code>
      <CopyButton text={text} label={copyLabel} />
    </div>
  );
}
