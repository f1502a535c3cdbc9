// A coloured pill for a state: ok (Running, Ready), warn (Pending, cordoned), error (Failed), idle (done).
import type { ReactNode } from 'react';
import type { StatusTone } from '../../../shared/display/tone.ts';

export type Tone = StatusTone;

export function StatusBadge({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      <span className="badge-dot" aria-hidden="true" />
      {children}
    </span>
  );
}
