// httpGet probes, as Kubernetes runs them: one GET, success for a status from 200 to 399, HTTPS
// without certificate checks, the probe's headers over kube-probe's defaults. Redirects are not followed:
// a 3xx is itself a success (Kubernetes follows them and judges the last answer; see the report's gaps).
// The status line is enough, so the answer's body is not read: the connection is closed at once.

import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dialErrorMessage, hostPort } from './dialErrors.ts';
import type { ProbeOutcome } from './probeTypes.ts';

export interface HttpProbeRequest {
  scheme: 'HTTP' | 'HTTPS';
  host: string;
  port: number;
  /** Path and query; "/" when empty. */
  path: string;
  headers: Array<{ name: string; value: string }>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** What Kubernetes sends unless the probe sets these headers itself. */
const DEFAULT_HEADERS: Record<string, string> = { 'user-agent': 'kube-probe/shoal', accept: '*/*' };

export function httpProbe(req: HttpProbeRequest): Promise<ProbeOutcome> {
  const path = req.path.startsWith('/') ? req.path : `/${req.path}`;
  const url = `${req.scheme.toLowerCase()}://${hostPort(req.host, req.port)}${path}`;
  return new Promise((resolve) => {
    let sent: ClientRequest | undefined;
    const finish = (outcome: ProbeOutcome) => {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      sent?.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () =>
        finish({
          result: 'failure',
          message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
        }),
      req.timeoutMs,
    );
    const onAbort = () => finish({ result: 'error', message: 'probe cancelled' });
    if (req.signal?.aborted) return onAbort();
    req.signal?.addEventListener('abort', onAbort, { once: true });

    const options = {
      host: req.host,
      port: req.port,
      path,
      method: 'GET',
      headers: probeHeaders(req.headers),
      // A fresh connection each time: a kept-alive socket would outlive the probe (and the agent's exit).
      agent: false as const,
      // Kubernetes does not verify the certificate of an HTTPS probe.
      rejectUnauthorized: false,
    };
    const onResponse = (res: IncomingMessage) => {
      const code = res.statusCode ?? 0;
      res.resume();
      if (code >= 200 && code < 400) finish({ result: 'success' });
      else finish({ result: 'failure', message: `HTTP probe failed with statuscode: ${code}` });
    };
    try {
      sent = req.scheme === 'HTTPS' ? httpsRequest(options, onResponse) : httpRequest(options, onResponse);
    } catch (err) {
      // Node refuses some paths and header values outright (unescaped characters…).
      return finish({
        result: 'error',
        message: `Get "${url}": ${err instanceof Error ? err.message : err}`,
      });
    }
    sent.on('error', (err) =>
      finish({ result: 'failure', message: `Get "${url}": ${dialErrorMessage(req.host, req.port, err)}` }),
    );
    sent.end();
  });
}

/** The probe's headers (repeats kept, as Go's Header.Add does) over the defaults; `Host` is honoured. */
function probeHeaders(headers: Array<{ name: string; value: string }>): Record<string, string | string[]> {
  const given = new Map<string, string[]>();
  for (const { name, value } of headers) {
    const key = name.toLowerCase();
    given.set(key, [...(given.get(key) ?? []), value]);
  }
  const merged: Record<string, string | string[]> = { ...DEFAULT_HEADERS };
  for (const [name, values] of given) {
    // A request carries one Host; Go keeps the first.
    merged[name] = name === 'host' || values.length === 1 ? (values[0] ?? '') : values;
  }
  return merged;
}
