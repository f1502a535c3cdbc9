// Which badge colour a state gets, the same in every view.
import type { Tone } from './StatusBadge.tsx';

export function podPhaseTone(phase: string | undefined): Tone {
  switch (phase) {
    case 'Running':
      return 'ok';
    case 'Succeeded':
      return 'idle';
    case 'Failed':
      return 'error';
    default:
      return 'warn'; // Pending, Unknown, none yet
  }
}

export function readinessTone(readiness: 'Ready' | 'NotReady' | 'Unknown'): Tone {
  return readiness === 'Ready' ? 'ok' : readiness === 'NotReady' ? 'error' : 'warn';
}

export function eventTone(type: string | undefined): Tone {
  return type === 'Warning' ? 'warn' : 'idle';
}
