// Finding the agent: the data directory (flag, SHOAL_DATA_DIR, per-user default on each platform) and the
// errors that say where the CLI looked and how to start an agent.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectToAgent } from '../../agent/cli/agentConnection.ts';
import { defaultDataDir, resolveDataDir } from '../../agent/cli/dataDir.ts';
import { CliError } from '../../agent/cli/exitCodes.ts';
import { runCli } from '../../agent/cli/program.ts';

/** Runs the CLI in this process and captures what it prints. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') =>
    ({
      write: (s: string) => {
        out[key] += s;
        return true;
      },
    }) as unknown as NodeJS.WritableStream;
  const code = await runCli(args, { stdin: process.stdin, stdout: sink('stdout'), stderr: sink('stderr') });
  return { code, ...out };
}

describe('data directory', () => {
  it('defaults per platform: XDG on Linux, Application Support on macOS, APPDATA on Windows', () => {
    expect(defaultDataDir({ platform: 'linux', home: '/home/ann', env: {} })).toBe(
      '/home/ann/.local/share/shoal',
    );
    expect(
      defaultDataDir({ platform: 'linux', home: '/home/ann', env: { XDG_DATA_HOME: '/data/ann' } }),
    ).toBe('/data/ann/shoal');
    // A relative XDG_DATA_HOME is invalid by the spec and ignored.
    expect(defaultDataDir({ platform: 'linux', home: '/home/ann', env: { XDG_DATA_HOME: 'rel' } })).toBe(
      '/home/ann/.local/share/shoal',
    );
    expect(defaultDataDir({ platform: 'freebsd', home: '/home/ann', env: {} })).toBe(
      '/home/ann/.local/share/shoal',
    );
    expect(defaultDataDir({ platform: 'darwin', home: '/Users/ann', env: {} })).toBe(
      '/Users/ann/Library/Application Support/Shoal',
    );
    expect(
      defaultDataDir({
        platform: 'win32',
        home: 'C:\\Users\\ann',
        env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' },
      }),
    ).toBe('C:\\Users\\ann\\AppData\\Roaming\\Shoal');
    expect(defaultDataDir({ platform: 'win32', home: 'C:\\Users\\ann', env: {} })).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\Shoal',
    );
  });

  it('takes --data-dir over SHOAL_DATA_DIR over the default, and says which chose it', () => {
    const info = { platform: 'linux' as const, home: '/home/ann', env: { SHOAL_DATA_DIR: '/srv/shoal' } };
    expect(resolveDataDir('/tmp/x', info)).toEqual({ dir: '/tmp/x', source: 'flag' });
    expect(resolveDataDir(undefined, info)).toEqual({ dir: '/srv/shoal', source: 'env' });
    expect(resolveDataDir(undefined, { ...info, env: {} })).toEqual({
      dir: '/home/ann/.local/share/shoal',
      source: 'default',
    });
    expect(resolveDataDir('rel/dir', info).dir).toBe(join(process.cwd(), 'rel/dir'));
  });
});

describe('--data-dir on the command line', () => {
  it('is read before the command and after it, the latter winning', async () => {
    const before = await cli(['--data-dir', '/nonexistent/one', 'get', 'pods']);
    expect(before.code).toBe(1);
    expect(before.stderr).toContain('/nonexistent/one/api.json does not exist');
    const after = await cli(['get', 'pods', '--data-dir', '/nonexistent/two']);
    expect(after.stderr).toContain('/nonexistent/two/api.json does not exist');
    const both = await cli(['--data-dir', '/nonexistent/one', 'status', '--data-dir', '/nonexistent/two']);
    expect(both.stderr).toContain('/nonexistent/two/api.json does not exist');
  });
});

describe('connecting to the agent', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shoal-conn-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const failure = async (flag: string | undefined, env: NodeJS.ProcessEnv = {}) => {
    try {
      await connectToAgent(flag, { env, platform: 'linux', home: '/home/ann' });
    } catch (err) {
      expect(err).toBeInstanceOf(CliError);
      return err as CliError;
    }
    throw new Error('connected');
  };

  it('without api.json, names the file, the source of the directory, and how to start an agent', async () => {
    const fromFlag = await failure(dir);
    expect(fromFlag.exitCode).toBe(1);
    expect(fromFlag.message).toContain(`${join(dir, 'api.json')} does not exist`);
    expect(fromFlag.message).toContain('given with --data-dir');
    expect(fromFlag.message).toContain('shoal up');
    expect(fromFlag.message).toContain(`shoal agent --data-dir ${dir}`);
    expect((await failure(undefined, { SHOAL_DATA_DIR: dir })).message).toContain('from SHOAL_DATA_DIR');
    const byDefault = await failure(undefined);
    expect(byDefault.message).toContain('/home/ann/.local/share/shoal/api.json does not exist');
    expect(byDefault.message).toContain('per-user default');
  });

  it('says so when api.json is broken, and when its agent does not answer', async () => {
    await writeFile(join(dir, 'api.json'), '{"url": 12');
    expect((await failure(dir)).message).toContain('is not valid JSON');
    await writeFile(join(dir, 'api.json'), JSON.stringify({ url: 'ftp://x', token: '' }));
    expect((await failure(dir)).message).toMatch(/not a valid API file: url: .*token: /);

    // A port nothing listens on: bind one, note it, close it.
    const { createServer } = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    await writeFile(
      join(dir, 'api.json'),
      JSON.stringify({ url: `http://127.0.0.1:${port}`, token: 't', pid: 2 ** 22 + 7 }),
    );
    const client = await connectToAgent(dir);
    const err = await client.status().catch((e: unknown) => e as CliError);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toContain(`the Shoal agent at http://127.0.0.1:${port}`);
    expect((err as CliError).message).toContain('does not answer (ECONNREFUSED)');
    expect((err as CliError).message).toContain(`its process ${2 ** 22 + 7} is not running`);
    expect((err as CliError).message).toContain('shoal up');
  });
});
