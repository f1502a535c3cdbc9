// One running pod stream (logs, exec or a port-forward connection), the same shape whether it is served by
// this agent's runtime or by another agent over the swarm, so the API does not care where the pod runs.
import type { TerminalSize } from '../kubelet/runtime/ContainerRuntime.ts';

/** fd 0 is input (stdin, or bytes to the pod's port); 1 and 2 are output (stdout, stderr, bytes back). */
export type OutputFd = 1 | 2;

export type SessionEvent =
  | { type: 'data'; fd: OutputFd; data: Buffer }
  /** That output will carry nothing more (a port-forward's half-close). */
  | { type: 'end'; fd: OutputFd }
  /** exec only: the process ended with this code; the last event. */
  | { type: 'exit'; code: number };

export interface PodSession {
  /**
   * The output, in order, for one consumer. Pulling is the back-pressure: nothing more is read from the
   * container (or the peer) than the consumer has taken plus a bounded window. Ends when the stream is
   * over; throws a PodStreamError when it fails (the peer's connection was lost, the engine failed).
   */
  events(): AsyncIterable<SessionEvent>;
  /** Input bytes (stdin, or to the pod's port); resolves when they are accepted, false if the session is over. */
  write(data: Buffer): Promise<boolean>;
  /** No more input (closes stdin, or half-closes the connection to the pod). */
  endInput(): void;
  /** exec with a terminal: its new size. */
  resize(size: TerminalSize): void;
  /** Abandons the session (the client left): stops the follow, the connection, the exec's streams. */
  close(): void;
}
