// `shoal agent`: run this machine's headless agent in the foreground until SIGINT or SIGTERM.
import { isIP } from 'node:net';
import { Command, Option } from 'commander';
import { Agent } from '../../Agent.ts';
import { parseJoinKey } from '../../cluster/joinKey.ts';
import { createLogger, type LogFormat } from '../../log.ts';
import { dataDirOption, resolveDataDir } from '../dataDir.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';
import { parseBootstrapOption } from './init.ts';

interface AgentCliOptions {
  dataDir?: string;
  join?: string;
  bootstrap?: string;
  apiPort?: string;
  nodeName?: string;
  logFormat: LogFormat;
  host?: string;
  heartbeatMs?: string;
  nodeGraceMs?: string;
  electionTimeoutMs?: string;
  backOffMs?: string;
  workloads?: boolean;
  allowPrivileged?: boolean;
  serviceAddress?: string;
  podServices?: boolean;
  dnsPort?: string;
}

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new CliError(`error: ${flag} must be a non-negative integer, got "${value}"`, EXIT.usage);
  return n;
}

function serviceAddressOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (isIP(value) === 0)
    throw new CliError(`error: --service-address must be an IP address, got "${value}"`, EXIT.usage);
  return value;
}

/** Resolves when the process is asked to stop. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

export function agentCommand(_io: CliIo): Command {
  return new Command('agent')
    .description(
      "Run this machine's agent in the foreground: a replica of the cluster, a voter, the leader when elected",
    )
    .option('--data-dir <dir>', "the agent's data directory (default: SHOAL_DATA_DIR or the per-user folder)")
    .option('--join <key>', 'join the cluster this key names (first start only)')
    .option('--bootstrap <host:port,...>', "override the cluster's HyperDHT bootstrap")
    .option('--api-port <port>', 'port of the local API on 127.0.0.1 (default: any free port)')
    .option('--node-name <name>', "this machine's node name (first start only; default: the host name)")
    .addOption(
      new Option('--log-format <format>', 'log format on stderr')
        .choices(['pretty', 'json'])
        .default('pretty'),
    )
    .addOption(new Option('--host <address>', 'UDP address the DHT binds to (127.0.0.1: this machine only)'))
    .option('--no-workloads', 'run no pods on this machine (it still replicates, votes and serves the API)')
    .option('--allow-privileged', 'let pods on this machine run privileged containers')
    .option(
      '--service-address <ip>',
      'where this machine reaches Services (and NodePorts) through this agent (default: 127.0.0.1)',
    )
    .option(
      '--no-pod-services',
      "serve Services only on --service-address: not to this host's pods (Docker bridge, DNS) nor NodePorts on its addresses (another agent on this host does)",
    )
    .addOption(new Option('--dns-port <port>').hideHelp())
    .addOption(new Option('--back-off-ms <ms>').hideHelp())
    .addOption(new Option('--heartbeat-ms <ms>').hideHelp())
    .addOption(new Option('--node-grace-ms <ms>').hideHelp())
    .addOption(new Option('--election-timeout-ms <ms>').hideHelp())
    .addHelpText(
      'after',
      `
Examples:
  shoal agent --data-dir /var/lib/shoal                 after \`shoal init --data-dir /var/lib/shoal\`
  shoal agent --join shoal1…                            join a cluster from a new machine

SIGINT or SIGTERM stops the agent cleanly: it saves, leaves the swarm and keeps containers running.`,
    )
    .action(async (opts: AgentCliOptions, cmd: Command) => {
      const { dir } = resolveDataDir(dataDirOption(cmd));
      let join: ReturnType<typeof parseJoinKey> | undefined;
      if (opts.join) {
        try {
          join = parseJoinKey(opts.join);
        } catch (err) {
          throw new CliError(`error: --join: ${(err as Error).message}`, EXIT.usage);
        }
      }
      const electionTimeout = positiveInt('--election-timeout-ms', opts.electionTimeoutMs);
      const backOffMs = positiveInt('--back-off-ms', opts.backOffMs);
      const logger = createLogger({ format: opts.logFormat });
      const agent = new Agent({
        dataDir: dir,
        logger,
        join,
        bootstrap: parseBootstrapOption(opts.bootstrap),
        nodeName: opts.nodeName,
        host: opts.host,
        apiPort: positiveInt('--api-port', opts.apiPort),
        runWorkloads: opts.workloads !== false,
        allowPrivileged: opts.allowPrivileged === true,
        serviceAddress: serviceAddressOption(opts.serviceAddress),
        servePods: opts.podServices !== false,
        dnsPort: positiveInt('--dns-port', opts.dnsPort),
        timings: {
          backOff: backOffMs ? { baseMs: backOffMs } : undefined,
          heartbeatMs: positiveInt('--heartbeat-ms', opts.heartbeatMs),
          nodeGraceMs: positiveInt('--node-grace-ms', opts.nodeGraceMs),
          election: electionTimeout
            ? {
                electionTimeoutMinMs: electionTimeout,
                electionTimeoutMaxMs: electionTimeout * 2,
                heartbeatIntervalMs: Math.max(10, Math.floor(electionTimeout / 3)),
              }
            : undefined,
        },
      });
      const stopping = untilSignal();
      try {
        await Promise.race([agent.start(), stopping]);
      } catch (err) {
        await agent.stop().catch(() => {});
        throw new CliError(`error: ${(err as Error).message}`);
      }
      const signal = await stopping;
      logger.info({ signal }, 'stopping');
      await agent.stop();
    });
}
