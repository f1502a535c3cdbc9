// Network errors in the words Kubernetes' (Go's) prober uses, so that `describe pod` reads the same:
// "dial tcp 172.17.0.3:8080: connect: connection refused".

/** `host:port`, with IPv6 addresses bracketed. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const SYSCALL_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connect: connection refused',
  EHOSTUNREACH: 'connect: no route to host',
  ENETUNREACH: 'connect: network is unreachable',
  ECONNRESET: 'read: connection reset by peer',
  EPIPE: 'write: broken pipe',
  ETIMEDOUT: 'i/o timeout',
};

/** The message of a failed dial or exchange with host:port. */
export function dialErrorMessage(host: string, port: number, err: unknown): string {
  const code = errorCode(err);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `dial tcp: lookup ${host}: no such host`;
  const text = (code && SYSCALL_TEXT[code]) ?? (err instanceof Error ? err.message : String(err));
  return `dial tcp ${hostPort(host, port)}: ${text}`;
}

function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
