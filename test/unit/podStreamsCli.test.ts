// The CLI and API ends of pod streams without an engine: argument parsing, the exit status of exec, the
// query a request is read from, and a log that fails after it started (reported through the trailer).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiToken, writeApiInfo } from '../../agent/api/apiInfo.ts';
import { exitStatus, podStreamsApi, requestFromQuery } from '../../agent/api/podStreamsApi.ts';
import { type ApiServer, startApiServer } from '../../agent/api/server.ts';
import { parseExitStatus } from '../../agent/cli/commands/exec.ts';
import { parsePortPair } from '../../agent/cli/commands/portForward.ts';
import { parseDurationSeconds } from '../../agent/cli/duration.ts';
import type { CliIo } from '../../agent/cli/io.ts';
import { runCli } from '../../agent/cli/program.ts';
import { PodStreamError } from '../../agent/podstreams/errors.ts';
import type { PodStreamRequestInput } from '../../agent/podstreams/requests.ts';
import type { PodSession, SessionEvent } from '../../agent/podstreams/session.ts';
import type { Pod } from '../../shared/model/types.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';

describe('pod-stream arguments', () => {
  it('reads port pairs as kubectl does', () => {
    expect(parsePortPair('8080')).toEqual({ local: 8080, remote: 8080 });
    expect(parsePortPair('9000:80')).toEqual({ local: 9000, remote: 80 });
    expect(parsePortPair(':80')).toEqual({ local: 0, remote: 80 });
    expect(parsePortPair('0:80')).toEqual({ local: 0, remote: 80 });
    for (const bad of ['0', '80:0', 'x', '1:2:3', '70000', '-1'])
      expect(() => parsePortPair(bad)).toThrow(expect.objectContaining({ exitCode: 2 }));
  });

  it('reads --since durations in whole seconds', () => {
    expect(parseDurationSeconds('5s', '--since')).toBe(5);
    expect(parseDurationSeconds('1h30m', '--since')).toBe(5400);
    expect(parseDurationSeconds('1500ms', '--since')).toBe(2);
    expect(() => parseDurationSeconds('5', '--since')).toThrow(/--since/);
    expect(() => parseDurationSeconds('0s', '--since')).toThrow(/greater than zero/);
  });

  it("takes exec's exit code from the final Status, as kubectl does", () => {
    expect(parseExitStatus(JSON.stringify(exitStatus(0, ['true'])))).toEqual({ code: 0 });
    expect(parseExitStatus(JSON.stringify(exitStatus(42, ['sh'])))).toEqual({ code: 42 });
    expect(parseExitStatus('{"status":"Failure","message":"boom"}')).toEqual({
      code: 1,
      message: 'error: boom',
    });
    expect(parseExitStatus('not json').code).toBe(1);
  });

  it('reads a request from the query, refusing malformed values by name', () => {
    const route = { namespace: 'ns', pod: 'web', verb: 'log' as const };
    expect(
      requestFromQuery(route, new URLSearchParams('container=c&follow=true&tailLines=5&sinceSeconds=9')),
    ).toEqual({
      kind: 'logs',
      namespace: 'ns',
      pod: 'web',
      container: 'c',
      follow: true,
      previous: false,
      timestamps: false,
      tailLines: 5,
      sinceSeconds: 9,
    });
    expect(() => requestFromQuery(route, new URLSearchParams('follow=maybe'))).toThrow(/follow/);
    expect(() => requestFromQuery(route, new URLSearchParams('tailLines=x'))).toThrow(/tailLines/);
    expect(() => requestFromQuery({ ...route, verb: 'exec' }, new URLSearchParams(''))).toThrow(/command/);
    expect(() =>
      requestFromQuery({ ...route, verb: 'portforward' }, new URLSearchParams('port=1&port=2')),
    ).toThrow(/exactly one port/);
  });
});

describe('pod-stream commands against an API', () => {
  let api: ApiServer;
  let dataDir: string;
  const opened: PodStreamRequestInput[] = [];

  /** A session that sends two chunks then fails, as a lost peer would. */
  function failingSession(): PodSession {
    async function* events(): AsyncIterable<SessionEvent> {
      yield { type: 'data', fd: 1, data: Buffer.from('first\n') };
      yield { type: 'data', fd: 2, data: Buffer.from('second\n') };
      throw new PodStreamError('ServiceUnavailable', 'lost the connection to the agent of node "b": gone');
    }
    return { events, write: async () => false, endInput: () => {}, resize: () => {}, close: () => {} };
  }

  beforeAll(async () => {
    const store = new MemoryClusterStore();
    await store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        nodeName: 'b',
        containers: [
          { name: 'a', image: 'x' },
          { name: 'b', image: 'x' },
        ],
      },
    } as Pod);
    const token = generateApiToken();
    api = await startApiServer({
      store,
      token,
      logger: pino({ level: 'silent' }),
      status: () => {
        throw new Error('unused');
      },
      extensions: [
        podStreamsApi({
          logger: pino({ level: 'silent' }),
          podStreams: {
            open: async (request) => {
              opened.push(request);
              if (request.pod === 'web') return failingSession();
              throw new PodStreamError('NotFound', `pods "${request.pod}" not found`);
            },
          },
        }),
      ],
    });
    dataDir = await mkdtemp(join(tmpdir(), 'shoal-podstreams-cli-'));
    await writeApiInfo(dataDir, { url: api.url, token, pid: process.pid });
  });

  afterAll(async () => {
    await api.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function shoal(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const sink = (add: (s: string) => void) => {
      const s = new PassThrough();
      s.on('data', (d: Buffer) => add(d.toString()));
      return s;
    };
    const io: CliIo = {
      stdin: Readable.from([]),
      stdout: sink((s) => {
        stdout += s;
      }),
      stderr: sink((s) => {
        stderr += s;
      }),
    };
    const code = await runCli(['--data-dir', dataDir, ...args], io);
    await new Promise((r) => setImmediate(r));
    return { code, stdout, stderr };
  }

  it('prints what arrived, then the error that ended the log, and exits 1', async () => {
    const r = await shoal(['logs', 'web', '--tail', '10', '--since', '2m', '-f']);
    expect(r.stdout).toBe('first\nsecond\n');
    expect(r.stderr).toBe(
      'Defaulted container "a" out of: a, b\nerror: lost the connection to the agent of node "b": gone\n',
    );
    expect(r.code).toBe(1);
    expect(opened.at(-1)).toMatchObject({ container: 'a', follow: true, tailLines: 10, sinceSeconds: 120 });
  });

  it('fails with usage errors before contacting the agent', async () => {
    expect((await shoal(['logs', 'web', '--since', 'soon'])).code).toBe(2);
    expect((await shoal(['logs', 'web', '--tail', 'many'])).code).toBe(2);
    expect((await shoal(['port-forward', 'web', '99999'])).code).toBe(2);
    expect((await shoal(['exec', 'web'])).code).toBe(2);
  });

  it('has help for each command', async () => {
    for (const verb of ['logs', 'exec', 'port-forward']) {
      const r = await shoal([verb, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Examples:');
    }
  });

  it('reports a missing pod in kubectl words', async () => {
    const r = await shoal(['exec', 'ghost', '--', 'true']);
    expect(r).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): pods "ghost" not found\n' });
  });
});
