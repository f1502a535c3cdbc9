// How the CLI finds its agent, the way kubectl finds its cluster through a kubeconfig: the data directory
// (--data-dir, SHOAL_DATA_DIR, or the per-user default) holds api.json with the agent's URL and token.
// When there is none, or the agent does not answer, the error says where the CLI looked, what chose that
// directory, and how to start an agent.
import { ApiInfoError, apiInfoPath, readApiInfo } from '../api/apiInfo.ts';
import { ApiClient } from './apiClient.ts';
import { describeDataDirSource, type PlatformInfo, type ResolvedDataDir, resolveDataDir } from './dataDir.ts';
import { CliError, EXIT } from './exitCodes.ts';

function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

function whereAndHow(data: ResolvedDataDir): string {
  return (
    `  The data directory ${data.dir} is ${describeDataDirSource(data.source)}.\n` +
    `  Start a local cluster with \`shoal up\`, or one agent with \`shoal agent --data-dir ${shellQuote(data.dir)}\`.`
  );
}

/** Whether a process with this id exists (EPERM: it does, owned by someone else). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The no-agent message, exported for tests and for commands that want to check without connecting. */
export function noAgentMessage(data: ResolvedDataDir): string {
  return `error: no Shoal agent found: ${apiInfoPath(data.dir)} does not exist.\n${whereAndHow(data)}`;
}

/** A client for the agent of the data directory chosen by `dataDirFlag`, SHOAL_DATA_DIR or the default. */
export async function connectToAgent(
  dataDirFlag: string | undefined,
  info: PlatformInfo = {},
): Promise<ApiClient> {
  const data = resolveDataDir(dataDirFlag, info);
  const path = apiInfoPath(data.dir);
  let api: Awaited<ReturnType<typeof readApiInfo>>;
  try {
    api = await readApiInfo(data.dir);
  } catch (err) {
    if (err instanceof ApiInfoError)
      throw new CliError(`error: ${err.message}\n${whereAndHow(data)}`, EXIT.failed);
    throw err;
  }
  if (!api) throw new CliError(noAgentMessage(data), EXIT.failed);
  const pid = api.pid;
  return new ApiClient({
    url: api.url,
    token: api.token,
    origin: path,
    unreachable: (cause) => {
      const dead = pid !== undefined && !processExists(pid) ? `; its process ${pid} is not running` : '';
      return (
        `error: the Shoal agent at ${api.url} (from ${path}) does not answer (${cause})${dead}.\n` +
        whereAndHow(data)
      );
    },
  });
}
