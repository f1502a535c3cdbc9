// Chooses the endpoint of one Service port for each new connection: round-robin or least open
// connections, after ClientIP affinity. It also counts open connections per endpoint, including those of
// endpoints that left the plan and are draining.
import { type BalanceMode, type ProxyTarget, targetKey } from './types.ts';

/** Kubernetes' default `sessionAffinityConfig.clientIP.timeoutSeconds` (3 hours). */
export const DEFAULT_AFFINITY_TIMEOUT_MS = 10_800_000;

interface AffinityEntry {
  endpoint: string;
  lastUsed: number;
}

export interface BalancerConfig {
  endpoints: readonly ProxyTarget[];
  /** undefined: no affinity. */
  affinityTimeoutMs: number | undefined;
}

export class EndpointBalancer {
  private endpoints: readonly ProxyTarget[] = [];
  private affinityTimeoutMs: number | undefined;
  private next = 0;
  private readonly open = new Map<string, number>();
  // Insertion order is last-use order (an entry is re-inserted on use), so expired entries are at the front.
  private readonly affinity = new Map<string, AffinityEntry>();

  constructor(
    readonly mode: BalanceMode,
    private readonly now: () => number = Date.now,
  ) {}

  configure(config: BalancerConfig): void {
    this.endpoints = config.endpoints;
    if (config.affinityTimeoutMs === undefined) this.affinity.clear();
    this.affinityTimeoutMs = config.affinityTimeoutMs;
  }

  /** The endpoints to try for a connection from `clientIp`, best first, each once. */
  candidates(clientIp: string | undefined): ProxyTarget[] {
    const n = this.endpoints.length;
    if (n === 0) return [];
    const start = this.chooseStart(n);
    this.next = (start + 1) % n;
    const rotated = [...this.endpoints.slice(start), ...this.endpoints.slice(0, start)];
    // The fallbacks of least-connections are tried least loaded first; the sort is stable, so the chosen
    // endpoint (first of the least loaded) stays first.
    const ordered =
      this.mode === 'least-connections' ? rotated.sort((a, b) => this.openOn(a) - this.openOn(b)) : rotated;
    const sticky = this.stickyEndpoint(clientIp);
    if (!sticky) return ordered;
    const i = ordered.findIndex((t) => targetKey(t) === sticky);
    if (i <= 0) return ordered;
    return [ordered[i]!, ...ordered.slice(0, i), ...ordered.slice(i + 1)];
  }

  /**
   * Round-robin takes the next endpoint; least-connections the first least-loaded one from there, and the
   * turn moves past it, so idle endpoints take turns evenly.
   */
  private chooseStart(n: number): number {
    const from = this.next % n;
    if (this.mode === 'round-robin') return from;
    let best = from;
    for (let step = 1; step < n; step += 1) {
      const i = (from + step) % n;
      if (this.openOn(this.endpoints[i]!) < this.openOn(this.endpoints[best]!)) best = i;
    }
    return best;
  }

  /** A connection to `target` is open: counted, and remembered for the client when affinity is on. */
  opened(target: ProxyTarget, clientIp: string | undefined): void {
    const key = targetKey(target);
    this.open.set(key, (this.open.get(key) ?? 0) + 1);
    if (this.affinityTimeoutMs === undefined || clientIp === undefined) return;
    this.affinity.delete(clientIp);
    this.affinity.set(clientIp, { endpoint: key, lastUsed: this.now() });
  }

  closed(target: ProxyTarget): void {
    const key = targetKey(target);
    const count = (this.open.get(key) ?? 0) - 1;
    if (count > 0) this.open.set(key, count);
    else this.open.delete(key);
  }

  openConnections(target: ProxyTarget): number {
    return this.openOn(target);
  }

  private openOn(target: ProxyTarget): number {
    return this.open.get(targetKey(target)) ?? 0;
  }

  private stickyEndpoint(clientIp: string | undefined): string | undefined {
    const timeout = this.affinityTimeoutMs;
    if (timeout === undefined || clientIp === undefined) return undefined;
    const now = this.now();
    for (const [ip, entry] of this.affinity) {
      if (now - entry.lastUsed <= timeout) break;
      this.affinity.delete(ip);
    }
    const entry = this.affinity.get(clientIp);
    if (!entry) return undefined;
    // The endpoint left: the client gets a new one, as kube-proxy does.
    if (!this.endpoints.some((t) => targetKey(t) === entry.endpoint)) return undefined;
    return entry.endpoint;
  }
}
