// The per-agent service proxy's data plane. Given the Services, their Endpoints and the addresses to listen
// on, it keeps one listener per planned address and port and forwards each connection to a Ready endpoint
// through the injected dialer (directly for local pods, over the swarm for remote ones: the dialer decides).
//
//   update(services, endpoints, addresses) ─▶ planListeners ─▶ open / keep & re-target / close listeners
//   client ─▶ ServiceListener ─▶ EndpointBalancer.candidates ─▶ dialer.dial ─▶ pipe both ways
//
// A port that cannot be bound never throws: its status says why, onProblem hears it once, the other
// listeners keep serving, and the next update tries again.
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Endpoints, Service } from '../../shared/model/types.ts';
import { DEFAULT_AFFINITY_TIMEOUT_MS, EndpointBalancer } from './EndpointBalancer.ts';
import { forwardConnection } from './forwardConnection.ts';
import { planListeners } from './planListeners.ts';
import { type ListenerTarget, ServiceListener } from './ServiceListener.ts';
import {
  type BalanceMode,
  type ListenAddresses,
  type ListenerConflict,
  type ListenerSpec,
  type ListenerStatus,
  listenerKey,
  type ProxyProblem,
  type ServiceDialer,
} from './types.ts';

export interface ServiceProxyOptions {
  dialer: ServiceDialer;
  logger: Logger;
  /** A listener that cannot serve (port taken, not permitted, claimed by another Service): once per episode. */
  onProblem?: (problem: ProxyProblem) => void;
  balance?: BalanceMode;
  /** ClientIP affinity timeout when a Service does not set one (Kubernetes' default: 10800 s). */
  affinityTimeoutMs?: number;
  /** How long one endpoint may take to answer before the next is tried. */
  dialTimeoutMs?: number;
  /** The clock for affinity expiry (tests). */
  now?: () => number;
}

const DEFAULT_DIAL_TIMEOUT_MS = 3000;

interface DesiredState {
  services: readonly Service[];
  endpoints: readonly Endpoints[];
  addresses: ListenAddresses;
}

export class ServiceProxy {
  private readonly listenersByKey = new Map<string, ServiceListener>();
  private readonly balancers = new Map<string, EndpointBalancer>();
  private conflicts: ListenerConflict[] = [];
  /** Listener keys whose current problem was already reported, with the code reported. */
  private readonly reported = new Map<string, string>();
  private readonly connections = new Set<() => void>();
  private desired: DesiredState | undefined;
  private applying = false;
  private applied: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly opts: ServiceProxyOptions) {}

  /**
   * Makes the listeners match the plan for these inputs. Resolves once every listener of the newest inputs
   * has been bound or has failed; never rejects. Calls made while one is applied are coalesced.
   */
  update(
    services: readonly Service[],
    endpoints: readonly Endpoints[],
    addresses: ListenAddresses,
  ): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.desired = { services, endpoints, addresses };
    if (!this.applying) {
      this.applying = true;
      this.applied = this.applyLoop();
    }
    return this.applied;
  }

  listeners(): ListenerStatus[] {
    const statuses = [...this.listenersByKey.values()].map((l) => l.status());
    for (const c of this.conflicts) {
      statuses.push({
        address: c.address,
        port: c.port,
        service: c.service,
        portName: c.portName,
        state: 'failed',
        error: { code: 'PortConflict', message: conflictMessage(c) },
      });
    }
    return statuses;
  }

  /** Client connections being dialled or piped right now (draining ones included). */
  openConnections(): number {
    return this.connections.size;
  }

  /** Closes every listener and ends every open connection. */
  close(): void {
    this.closed = true;
    this.desired = undefined;
    for (const listener of this.listenersByKey.values()) listener.close();
    this.listenersByKey.clear();
    for (const destroy of [...this.connections]) destroy();
    this.connections.clear();
  }

  private async applyLoop(): Promise<void> {
    try {
      while (this.desired && !this.closed) {
        const desired = this.desired;
        this.desired = undefined;
        await this.apply(desired);
      }
    } catch (err) {
      // apply() handles every expected failure; this guards the agent against a bug in it.
      this.opts.logger.error({ err }, 'service proxy update failed');
    } finally {
      this.applying = false;
    }
  }

  private async apply({ services, endpoints, addresses }: DesiredState): Promise<void> {
    const plan = planListeners(services, endpoints, addresses);
    this.retarget(plan.listeners);
    const wanted = new Map(plan.listeners.map((spec) => [listenerKey(spec.address, spec.port), spec]));

    for (const [key, listener] of this.listenersByKey) {
      if (wanted.has(key)) continue;
      listener.close();
      this.listenersByKey.delete(key);
      this.reported.delete(key);
    }

    const binds: Promise<void>[] = [];
    for (const [key, spec] of wanted) {
      const target = this.targetFor(spec);
      let listener = this.listenersByKey.get(key);
      if (listener) {
        listener.target = target;
      } else {
        listener = new ServiceListener(
          spec.address,
          spec.port,
          target,
          (client, t) => this.accept(client, t),
          this.opts.logger,
        );
        this.listenersByKey.set(key, listener);
      }
      // A failed listener retries on every update; a listening one is kept as it is.
      if (!listener.listening) binds.push(this.bind(key, listener));
    }

    this.conflicts = plan.conflicts;
    for (const c of plan.conflicts) {
      this.report(`conflict:${c.service}:${listenerKey(c.address, c.port)}`, {
        address: c.address,
        port: c.port,
        service: c.service,
        portName: c.portName,
        code: 'PortConflict',
        message: conflictMessage(c),
      });
    }
    const conflictKeys = new Set(
      plan.conflicts.map((c) => `conflict:${c.service}:${listenerKey(c.address, c.port)}`),
    );
    for (const key of this.reported.keys()) {
      if (key.startsWith('conflict:') && !conflictKeys.has(key)) this.reported.delete(key);
    }
    await Promise.all(binds);
  }

  /** One balancer per Service port, shared by its listeners on every address; configured from the plan. */
  private retarget(specs: readonly ListenerSpec[]): void {
    const live = new Set<string>();
    for (const spec of specs) {
      const key = balancerKey(spec);
      if (live.has(key)) continue;
      live.add(key);
      const mode = spec.balance ?? this.opts.balance ?? 'round-robin';
      let balancer = this.balancers.get(key);
      // A Service that changes its mode gets a new balancer; open connections keep counting in the old one.
      if (!balancer || balancer.mode !== mode) {
        balancer = new EndpointBalancer(mode, this.opts.now);
        this.balancers.set(key, balancer);
      }
      const affinityTimeoutMs = spec.affinity
        ? (spec.affinity.timeoutMs ?? this.opts.affinityTimeoutMs ?? DEFAULT_AFFINITY_TIMEOUT_MS)
        : undefined;
      balancer.configure({ endpoints: spec.endpoints, affinityTimeoutMs });
    }
    // A dropped balancer lives on in its open connections, which still count themselves out of it.
    for (const key of this.balancers.keys()) if (!live.has(key)) this.balancers.delete(key);
  }

  private targetFor(spec: ListenerSpec): ListenerTarget {
    const balancer = this.balancers.get(balancerKey(spec));
    if (!balancer) throw new Error(`no balancer for ${balancerKey(spec)}: retarget() must run first`);
    return { spec, balancer };
  }

  private async bind(key: string, listener: ServiceListener): Promise<void> {
    const error = await listener.bind();
    if (this.closed || this.listenersByKey.get(key) !== listener) {
      // Closed or replaced while binding: nothing may be left listening.
      listener.close();
      return;
    }
    if (!error) {
      this.reported.delete(key);
      return;
    }
    const { spec } = listener.target;
    this.report(key, {
      address: listener.address,
      port: listener.port,
      service: spec.service,
      portName: spec.portName,
      code: error.code,
      message: `cannot listen on ${key} for service ${spec.service}: ${error.message}`,
    });
  }

  private report(key: string, problem: ProxyProblem): void {
    if (this.reported.get(key) === problem.code) return;
    this.reported.set(key, problem.code);
    this.opts.logger.warn({ ...problem }, 'service proxy listener problem');
    try {
      this.opts.onProblem?.(problem);
    } catch (err) {
      this.opts.logger.error({ err }, 'service proxy onProblem handler threw');
    }
  }

  private accept(client: Socket, target: ListenerTarget): void {
    if (this.closed) {
      client.destroy();
      return;
    }
    forwardConnection(client, {
      balancer: target.balancer,
      dialer: this.opts.dialer,
      dialTimeoutMs: this.opts.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS,
      logger: this.opts.logger,
      service: target.spec.service,
      portName: target.spec.portName,
      track: (destroy) => {
        this.connections.add(destroy);
        return () => this.connections.delete(destroy);
      },
    }).catch((err) => {
      // Dial and pipe failures are handled inside; this guards the agent against a bug there.
      client.destroy();
      this.opts.logger.error({ err }, 'service proxy connection failed');
    });
  }
}

function balancerKey(spec: ListenerSpec): string {
  return `${spec.service}\u0000${spec.portName}`;
}

function conflictMessage(c: ListenerConflict): string {
  return `${listenerKey(c.address, c.port)} is already served by service ${c.claimedBy}; service ${c.service} cannot use it`;
}
