// The words the prober's parts share.

import type { Container } from '../../../shared/model/types.ts';

export type Probe = NonNullable<Container['livenessProbe']>;

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

/** As Kubernetes capitalises them in events: "Liveness probe failed: …". */
export const PROBE_LABEL: Record<ProbeKind, string> = {
  liveness: 'Liveness',
  readiness: 'Readiness',
  startup: 'Startup',
};

/**
 * One attempt's outcome. `error` means the probe could not be run at all (no pod IP, the container is
 * gone…): like Kubernetes, it is reported but counts neither as a success nor as a failure.
 */
export type ProbeOutcome =
  | { result: 'success' }
  | { result: 'failure'; message: string }
  | { result: 'error'; message: string };

/** Kubernetes keeps this much of a probe's output (exec output, HTTP body). */
export const MAX_PROBE_OUTPUT_BYTES = 10 * 1024;
