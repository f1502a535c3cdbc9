// One request to the API, answered with its body or a ClusterError: the API's Status message and reason
// when it failed, so the views show the server's own words.
import { ClusterError, type Transport, type TransportRequest } from './ClusterConnection.ts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A ClusterError from a non-2xx answer: a Kubernetes Status's message and reason, else the HTTP code. */
export function errorFromResponse(
  req: Pick<TransportRequest, 'method' | 'path'>,
  status: number,
  body: unknown,
) {
  if (isRecord(body) && typeof body.message === 'string' && body.message !== '') {
    const reason = typeof body.reason === 'string' ? body.reason : undefined;
    return new ClusterError(body.message, status, reason);
  }
  const text = typeof body === 'string' && body !== '' ? `: ${body.slice(0, 200)}` : '';
  return new ClusterError(`${req.method} ${req.path} failed with HTTP ${status}${text}`, status);
}

/** The message of anything thrown. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function apiCall(transport: Transport, req: TransportRequest): Promise<unknown> {
  let res: Awaited<ReturnType<Transport['request']>>;
  try {
    res = await transport.request(req);
  } catch (err) {
    if (err instanceof ClusterError) throw err;
    throw new ClusterError(`cannot reach the cluster (${req.method} ${req.path}): ${messageOf(err)}`, 0);
  }
  if (res.status < 200 || res.status > 299) throw errorFromResponse(req, res.status, res.body);
  return res.body;
}

/** A GET whose answer must be an object; `what` names it in the error when it is not. */
export async function getObject(
  transport: Transport,
  path: string,
  what: string,
): Promise<Record<string, unknown>> {
  const body = await apiCall(transport, { method: 'GET', path });
  if (!isRecord(body)) throw new ClusterError(`the API answered GET ${path} with no ${what}`, 502);
  return body;
}

export { isRecord };
