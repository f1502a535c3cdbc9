// exec probes: the command runs in the container (no shell), exit code 0 is success. Like Kubernetes
// since 1.20, a command that outlives timeoutSeconds is a failure. The failure's message is the command's
// output, as Kubernetes reports it, or says how it ended when it printed nothing.

import type { ContainerRuntime } from '../runtime/ContainerRuntime.ts';
import { execCapture } from '../runtime/execCapture.ts';
import { MAX_PROBE_OUTPUT_BYTES, type ProbeOutcome } from './probeTypes.ts';

export interface ExecProbeRequest {
  runtime: ContainerRuntime;
  containerId: string;
  command: string[];
  timeoutMs: number;
  signal?: AbortSignal;
}

export async function execProbe(req: ExecProbeRequest): Promise<ProbeOutcome> {
  const quoted = JSON.stringify(req.command.join(' '));
  try {
    const run = await execCapture(req.runtime, req.containerId, req.command, {
      timeoutMs: req.timeoutMs,
      maxBytes: MAX_PROBE_OUTPUT_BYTES,
      ...(req.signal ? { signal: req.signal } : {}),
    });
    if (run.timedOut) return { result: 'failure', message: `command ${quoted} timed out` };
    if (run.exitCode === 0) return { result: 'success' };
    const output = run.output.trimEnd();
    return {
      result: 'failure',
      message: output !== '' ? output : `command ${quoted} exited with code ${run.exitCode}`,
    };
  } catch (err) {
    // The command could not be run (container gone or stopped, engine error): not a verdict on health.
    return { result: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}
