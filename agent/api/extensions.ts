// Routes that other parts of the agent add to the local API (pod logs, exec and port-forward; events).
//
// The server authenticates every request and upgrade before an extension sees it, and turns anything an
// extension throws into a Kubernetes Status (badRequest, notFound… from kubeStatus.ts), so an extension
// only answers the paths it knows and returns false for the rest.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface ApiExtension {
  /** Answers an authenticated HTTP request and returns true, or returns false when the path is not its own. */
  handle?(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> | boolean;
  /** Takes an authenticated WebSocket upgrade and returns true, or returns false when the path is not its own. */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean;
  /** Ends what the extension still serves (follows, sessions) when the server closes. */
  close?(): void;
}
