// `shoal status`: the cluster as the local agent sees it: its name, this node, the leader and its term, and
// the members with their voter flag and readiness.
import { Command } from 'commander';
import type { ClusterMember, ClusterStatus } from '../../api/clusterStatus.ts';
import { connectToAgent } from '../agentConnection.ts';
import { DATA_DIR_HELP, dataDirOption } from '../dataDir.ts';
import type { CliIo } from '../io.ts';
import { formatValue, parseOutputFormat } from '../output.ts';
import { renderTable } from '../tables/index.ts';
import { DESCRIBE, tabwrite } from '../tables/tabwriter.ts';

/** Node ids are public keys; the first 12 characters tell them apart in a table. */
const shortId = (id: string) => (id.length > 12 ? id.slice(0, 12) : id);

function readiness(ready: ClusterMember['ready']): string {
  if (ready === 'Unknown') return 'Unknown';
  return ready ? 'True' : 'False';
}

/** The text `shoal status` prints. */
export function formatClusterStatus(status: ClusterStatus): string {
  const voters = status.members.filter((m) => m.voter).length;
  const leader = status.leader
    ? `${status.leader.name} (${shortId(status.leader.id)}), term ${status.term}`
    : `<none> (term ${status.term}: no leader elected)`;
  const header = tabwrite(
    [
      `Cluster:\t${status.clusterName}`,
      `Node:\t${status.node.name} (${shortId(status.node.id)})`,
      `Leader:\t${leader}`,
      `Members:\t${status.members.length} (${voters} voter${voters === 1 ? '' : 's'})`,
      '',
    ].join('\n'),
    DESCRIBE,
  );
  if (status.members.length === 0) return header;
  const rows = status.members.map((m) => {
    const roles = [m.id === status.leader?.id ? 'leader' : '', m.id === status.node.id ? 'this node' : '']
      .filter((r) => r)
      .join(', ');
    return [
      roles ? `${m.name} (${roles})` : m.name,
      shortId(m.id),
      m.voter ? 'true' : 'false',
      readiness(m.ready),
      m.addresses && m.addresses.length > 0 ? m.addresses.join(',') : '<none>',
    ];
  });
  return `${header}\n${renderTable({ headers: ['NAME', 'ID', 'VOTER', 'READY', 'ADDRESSES'], rows })}`;
}

export function statusCommand(io: CliIo): Command {
  return new Command('status')
    .description('Show the cluster: its name, this node, the leader and its term, and the members')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('-o, --output <format>', 'json or yaml for a machine-readable answer')
    .addHelpText(
      'after',
      `
Examples:
  shoal status                 the cluster as the local agent sees it
  shoal status -o json         the same as JSON: { clusterName, node, leader, term, members }

Exit status: 0 on success, 1 when the agent cannot be reached, 2 on usage errors.`,
    )
    .action(async (opts: { output?: string }, cmd: Command) => {
      const format = parseOutputFormat(opts.output, ['json', 'yaml']);
      const client = await connectToAgent(dataDirOption(cmd));
      const status = await client.status();
      io.stdout.write(
        format === 'json' || format === 'yaml' ? formatValue(status, format) : formatClusterStatus(status),
      );
    });
}
