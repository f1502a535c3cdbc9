// Separate "hosts" on one machine: Linux network namespaces joined by veth pairs to a bridge, so tests and
// benchmarks can run peers that see each other as different machines of one LAN (TESTING.md, "Several
// peers on one machine").
//
// Layout of one `Lan`: a hub namespace holding bridge `br0`, and N host namespaces, each with `eth0` at
// `<subnet>.<i>/24` (i = 1..N) whose veth peer `h<i>` sits in the hub, enslaved to `br0`. Nothing is added
// to the root namespace, so a test can never reach (or disturb) the machine's real network, and two runs
// using the same subnet cannot collide. Cutting `h<i>` in the hub partitions host i.
//
// With `nat: true` the LAN sits behind a NAT, like machines at home behind one router: the hub is the
// hosts' gateway (`<subnet>.254`) and masquerades them onto a second link to an `outside` host
// (10.251.0.2, e.g. for a DHT bootstrap), which sees the whole LAN as 10.251.0.1. Needs iptables.
//
// Cleanup is guaranteed three ways: `destroy()` (call it in afterAll/finally), synchronous process 'exit'
// and SIGINT/SIGTERM/SIGHUP hooks for runs that end without it, and `removeStaleNamespaces()` (called by
// `createLan`) for runs that were SIGKILLed: every namespace name carries the creating process's pid, and
// namespaces of dead pids are removed. Deleting a namespace destroys its veth ends; processes still inside
// are killed first, because a namespace with live processes outlives `ip netns del`.
//
// Needs root and iproute2 (`ip`); `netnsUnavailableReason()` says why not, for a visible skip/failure.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';

const PREFIX = 'shoaltest';
const NAME_RE = /^shoaltest-(\d+)-/;

export interface NetnsHost {
  /** Namespace name, for `ip netns exec`. */
  readonly ns: string;
  /** The host's address on the LAN. */
  readonly address: string;
  /** 1-based index; also the last octet of `address`. */
  readonly index: number;
}

export interface Lan {
  readonly hosts: readonly NetnsHost[];
  /** With `nat: true`, the host on the far side of the NAT; otherwise null. */
  readonly outside: NetnsHost | null;
  /** Starts `command args…` inside a host's namespace. The child is killed by `destroy()`. */
  spawn(host: NetnsHost, command: string, args: readonly string[], opts?: SpawnOptions): ChildProcess;
  /** Runs a command inside a host's namespace and returns its stdout (throws on a non-zero exit). */
  exec(host: NetnsHost, command: string, args: readonly string[]): string;
  /** Takes the host's link down at the bridge: a real partition. */
  cut(host: NetnsHost): void;
  /** Brings a cut link back. */
  heal(host: NetnsHost): void;
  /** Kills what runs inside and deletes every namespace of this LAN. Idempotent. */
  destroy(): void;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface LanOptions {
  hosts: number;
  /** First three octets; a test-only range. */
  subnet?: string;
  /** Put the LAN behind a NAT with one `outside` host (see the header). */
  nat?: boolean;
}

/** Why network namespaces cannot be used here, or null when they can. */
export function netnsUnavailableReason(): string | null {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'network namespaces need root';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'pipe' });
  } catch {
    return 'iproute2 (`ip`) is missing or `ip netns` does not work';
  }
  return null;
}

function ip(args: readonly string[]): string {
  return execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
}

function listNamespaces(): string[] {
  return ip(['netns', 'list'])
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(`${PREFIX}-`));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killInside(ns: string): void {
  let pids: string[] = [];
  try {
    pids = ip(['netns', 'pids', ns]).split('\n').filter(Boolean);
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function deleteNamespace(ns: string): void {
  killInside(ns);
  try {
    ip(['netns', 'del', ns]);
  } catch {
    // already gone
  }
}

/** Removes namespaces left behind by test processes that no longer exist. */
export function removeStaleNamespaces(): void {
  for (const ns of listNamespaces()) {
    const pid = Number(NAME_RE.exec(ns)?.[1]);
    if (pid && pid !== process.pid && !isAlive(pid)) deleteNamespace(ns);
  }
}

const live = new Set<() => void>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const destroyAll = (): void => {
    for (const destroy of [...live]) destroy();
  };
  process.on('exit', destroyAll);
  // Ctrl-C, or a test runner stopping its worker: clean up, then let the signal do what it would have done
  // (with no other listener, that is ending the process; 'exit' listeners do not run then).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      destroyAll();
      process.off(signal, onSignal);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

let lanCounter = 0;

/** Makes the hub the LAN's NAT gateway towards a new `outside` namespace; returns the outside host. */
function addNat(hub: string, out: string, subnet: string, created: string[]): NetnsHost {
  ip(['netns', 'add', out]);
  created.push(out);
  ip(['-n', out, 'link', 'set', 'lo', 'up']);
  ip(['-n', hub, 'addr', 'add', `${subnet}.254/24`, 'dev', 'br0']);
  ip(['link', 'add', 'wan0', 'netns', hub, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', out]);
  ip(['-n', hub, 'addr', 'add', '10.251.0.1/24', 'dev', 'wan0']);
  ip(['-n', hub, 'link', 'set', 'wan0', 'up']);
  ip(['-n', out, 'addr', 'add', '10.251.0.2/24', 'dev', 'eth0']);
  ip(['-n', out, 'link', 'set', 'eth0', 'up']);
  const inHub = (command: string, args: string[]) =>
    execFileSync('ip', ['netns', 'exec', hub, command, ...args], { stdio: 'pipe' });
  inHub('sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
  try {
    inHub('iptables', ['-t', 'nat', '-A', 'POSTROUTING', '-o', 'wan0', '-j', 'MASQUERADE']);
  } catch (err) {
    throw new Error(`createLan({ nat: true }) needs iptables: ${(err as Error).message}`);
  }
  return { ns: out, address: '10.251.0.2', index: 0 };
}

/** Creates a LAN of `hosts` namespaces; throws (after removing what it made) if any step fails. */
export function createLan({ hosts: count, subnet = '10.250.0', nat = false }: LanOptions): Lan {
  if (count < 1 || count > 250) throw new Error(`createLan: hosts must be 1..250, got ${count}`);
  removeStaleNamespaces();
  installExitHook();

  const base = `${PREFIX}-${process.pid}-${++lanCounter}`;
  const hub = `${base}-hub`;
  const created: string[] = [];
  const children = new Set<ChildProcess>();
  const hosts: NetnsHost[] = [];
  let outside: NetnsHost | null = null;
  let destroyed = false;

  const destroy = (): void => {
    if (destroyed) return;
    destroyed = true;
    live.delete(destroy);
    for (const child of children) child.kill('SIGKILL');
    for (const ns of created.reverse()) deleteNamespace(ns);
  };
  live.add(destroy);

  try {
    ip(['netns', 'add', hub]);
    created.push(hub);
    ip(['-n', hub, 'link', 'set', 'lo', 'up']);
    ip(['-n', hub, 'link', 'add', 'br0', 'type', 'bridge']);
    ip(['-n', hub, 'link', 'set', 'br0', 'up']);
    for (let index = 1; index <= count; index++) {
      const ns = `${base}-h${index}`;
      ip(['netns', 'add', ns]);
      created.push(ns);
      const port = `h${index}`;
      ip(['link', 'add', port, 'netns', hub, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      ip(['-n', hub, 'link', 'set', port, 'master', 'br0', 'up']);
      ip(['-n', ns, 'link', 'set', 'lo', 'up']);
      ip(['-n', ns, 'addr', 'add', `${subnet}.${index}/24`, 'dev', 'eth0']);
      ip(['-n', ns, 'link', 'set', 'eth0', 'up']);
      if (nat) ip(['-n', ns, 'route', 'add', 'default', 'via', `${subnet}.254`]);
      hosts.push({ ns, address: `${subnet}.${index}`, index });
    }
    if (nat) outside = addNat(hub, `${base}-out`, subnet, created);
  } catch (err) {
    destroy();
    throw err;
  }

  const check = (host: NetnsHost): void => {
    if (destroyed) throw new Error('this LAN was destroyed');
    if (!hosts.includes(host) && host !== outside) throw new Error(`${host.ns} is not a host of this LAN`);
  };

  return {
    hosts,
    outside,
    spawn(host, command, args, opts = {}) {
      check(host);
      const child = spawn('ip', ['netns', 'exec', host.ns, command, ...args], {
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      children.add(child);
      child.on('exit', () => children.delete(child));
      return child;
    },
    exec(host, command, args) {
      check(host);
      return execFileSync('ip', ['netns', 'exec', host.ns, command, ...args], { encoding: 'utf8' });
    },
    cut(host) {
      check(host);
      ip(['-n', hub, 'link', 'set', host === outside ? 'wan0' : `h${host.index}`, 'down']);
    },
    heal(host) {
      check(host);
      ip(['-n', hub, 'link', 'set', host === outside ? 'wan0' : `h${host.index}`, 'up']);
    },
    destroy,
  };
}
