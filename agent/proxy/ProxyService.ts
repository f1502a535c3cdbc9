// The agent's service proxy, wired: it follows Services, Endpoints and this Node in the document and keeps
// ServiceProxy's listeners and the pods' DNS in step with them.
//
//   own:        <serviceAddress>:<port> for every ClusterIP port and :<nodePort> for NodePort Services
//   host-wide:  when this agent serves its host (with `shoal up`, several agents share one host and engine:
//               only the first does): the same ports on the Docker bridge gateway for pods, with their DNS
//               on <gateway>:53, and NodePorts on the node's own (non-loopback) addresses
//
// Each connection goes to a Ready endpoint through agentDialer: directly to a local pod, over the swarm to
// another node's agent otherwise. A listener that cannot bind becomes a Warning event on its Service and a
// failed entry in listeners(); the agent and its other listeners carry on.
import type Docker from 'dockerode';
import type { Logger } from 'pino';
import type { Endpoints, Node, Pod, Service } from '../../shared/model/types.ts';
import type { ClusterStore } from '../../shared/store/ClusterStore.ts';
import type { EventRecorder } from '../events/EventRecorder.ts';
import { involvedObjectOf } from '../events/EventRecorder.ts';
import { agentDialer, type PortForwarder } from './agentDialer.ts';
import { bridgeGateway } from './bridgeGateway.ts';
import { ServiceDns } from './dns/ServiceDns.ts';
import { serviceNameResolver } from './dns/serviceNameResolver.ts';
import { ServiceProxy } from './ServiceProxy.ts';
import type { ListenAddresses, ListenerStatus, ProxyProblem } from './types.ts';

export interface ProxyServiceOptions {
  store: ClusterStore;
  nodeName: string;
  podStreams: PortForwarder;
  recorder: EventRecorder;
  logger: Logger;
  /** Where the host reaches Services: a loopback address of this agent's own (127.0.0.1 by default). */
  serviceAddress: string;
  /** Serve the pods of this host on the Docker bridge gateway (ports and DNS). */
  servePods: boolean;
  docker: Docker;
  /** DNS port on the gateway (53; tests may move it). */
  dnsPort?: number;
  /** How often to look for the bridge gateway while the engine does not answer. */
  retryMs?: number;
}

export const PROXY_PROBLEM_REASON = 'FailedToListen';
const DEFAULT_RETRY_MS = 10_000;

export class ProxyService {
  readonly #o: ProxyServiceOptions;
  readonly #proxy: ServiceProxy;
  #dns: ServiceDns | undefined;
  #dnsAddress: string | undefined;
  #gateway: string | undefined;
  #unwatch: (() => void) | undefined;
  #pending: NodeJS.Immediate | undefined;
  #retry: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(opts: ProxyServiceOptions) {
    this.#o = opts;
    this.#proxy = new ServiceProxy({
      dialer: agentDialer(opts.nodeName, opts.podStreams),
      logger: opts.logger,
      onProblem: (problem) => this.#report(problem),
    });
  }

  /** Where pods on this host reach Services (their `*_SERVICE_HOST`), once known. */
  get podServiceHost(): string | undefined {
    return this.#gateway;
  }

  /** The pods' nameserver: this agent's DNS when it serves pods, else the host's serving agent's. */
  get clusterDns(): string | undefined {
    return this.#o.servePods ? this.#dnsAddress : this.#gateway;
  }

  listeners(): ListenerStatus[] {
    return this.#proxy.listeners();
  }

  start(): void {
    this.#unwatch = this.#o.store.watch(undefined, (event) => {
      const kind = event.object.kind;
      if (kind === 'Service' || kind === 'Endpoints') this.#schedule();
      else if (kind === 'Node' && event.object.metadata.name === this.#o.nodeName) this.#schedule();
    });
    this.#schedule();
    void this.#findGateway();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unwatch?.();
    if (this.#pending) clearImmediate(this.#pending);
    if (this.#retry) clearTimeout(this.#retry);
    this.#proxy.close();
    await this.#dns?.close();
  }

  /** Many changes in one turn of the event loop make one update. */
  #schedule(): void {
    if (this.#stopped || this.#pending) return;
    this.#pending = setImmediate(() => {
      this.#pending = undefined;
      const { store } = this.#o;
      void this.#proxy.update(
        store.list('Service') as Service[],
        store.list('Endpoints') as Endpoints[],
        this.#addresses(),
      );
    });
  }

  /**
   * The agent's own service address always; the host's shared addresses (the bridge gateway for pods, the
   * node's IPs for NodePorts) only on the agent that serves this host, since agents sharing one host would
   * otherwise fight over them.
   */
  #addresses(): ListenAddresses {
    const own = [this.#o.serviceAddress];
    if (!this.#o.servePods) return { service: own, nodePort: own };
    const pods = this.#gateway ? [this.#gateway] : [];
    const node = this.#o.store.get('Node', undefined, this.#o.nodeName) as Node | undefined;
    const nodeAddresses = (node?.status?.addresses ?? [])
      .filter((a) => a.type === 'InternalIP' || a.type === 'ExternalIP')
      .map((a) => a.address)
      // Loopback node addresses are covered by the agent's own service address.
      .filter((a) => !a.startsWith('127.') && a !== '::1' && !own.includes(a) && !pods.includes(a));
    return { service: [...own, ...pods], nodePort: [...own, ...new Set(nodeAddresses), ...pods] };
  }

  async #findGateway(): Promise<void> {
    if (this.#stopped) return;
    try {
      this.#gateway = await bridgeGateway(this.#o.docker);
    } catch (err) {
      this.#o.logger.debug({ err }, 'service proxy: the Docker bridge cannot be read yet');
    }
    if (this.#stopped) return;
    if (!this.#gateway) {
      this.#retry = setTimeout(() => void this.#findGateway(), this.#o.retryMs ?? DEFAULT_RETRY_MS);
      this.#retry.unref();
      return;
    }
    this.#o.logger.info({ gateway: this.#gateway, servePods: this.#o.servePods }, 'pods reach Services here');
    this.#schedule();
    if (this.#o.servePods) await this.#startDns(this.#gateway);
  }

  async #startDns(address: string): Promise<void> {
    const dns = new ServiceDns({
      logger: this.#o.logger.child({ part: 'dns' }),
      resolve: (name, client) =>
        serviceNameResolver(
          this.#o.store.list('Service') as Service[],
          // Only a bare name needs the asking pod's namespace (a search through every pod): others name theirs.
          isBareName(name) ? this.#namespaceOf(client.address) : 'default',
          address,
        )(name),
    });
    try {
      await dns.listen(address, this.#o.dnsPort ?? 53);
      if (this.#stopped) {
        await dns.close();
        return;
      }
      this.#dns = dns;
      this.#dnsAddress = address;
      this.#o.logger.info({ address, port: this.#o.dnsPort ?? 53 }, 'service DNS answers pods');
    } catch (err) {
      this.#o.logger.error(
        { err },
        `service DNS cannot listen on ${address}:${this.#o.dnsPort ?? 53}: pods here resolve Services by environment variables only`,
      );
    }
  }

  /** The namespace of the pod asking, for bare names (the search path usually expands them first). */
  #namespaceOf(ip: string): string {
    const pod = (this.#o.store.list('Pod') as Pod[]).find((p) => p.status?.podIP === ip);
    return pod?.metadata.namespace ?? 'default';
  }

  #report(problem: ProxyProblem): void {
    const [namespace, name] = problem.service.split('/') as [string, string];
    const service = this.#o.store.get('Service', namespace, name) as Service | undefined;
    if (!service) return;
    this.#o.recorder.record({
      involvedObject: involvedObjectOf(service),
      type: 'Warning',
      reason: PROXY_PROBLEM_REASON,
      message: `node ${this.#o.nodeName}: ${problem.message}`,
    });
  }
}

function isBareName(name: string): boolean {
  return !name.replace(/\.$/, '').includes('.');
}
