// The runtime contract on FakeRuntime, plus the fake's own test controls. Each program of the contract
// is given a behaviour that does what the real shell command does.

import { describe, expect, it } from 'vitest';
import {
  type FakeBehaviour,
  type FakeExecHandler,
  FakeRuntime,
} from '../../agent/kubelet/runtime/FakeRuntime.ts';
import { containerRuntimeContract, EXEC_PROGRAMS, PROGRAMS } from '../support/containerRuntimeContract.ts';

const IMAGE = 'shoal.test/busybox:1';

const behaviours = new Map<string, FakeBehaviour>([
  [key(PROGRAMS.ignoreTerm), () => ({ onTerm: () => {} })],
  [key(PROGRAMS.honourTerm), (p) => ({ onTerm: () => p.exit(0) })],
  [
    key(PROGRAMS.exit3),
    (p) => {
      setTimeout(() => p.exit(3), 5);
      return undefined;
    },
  ],
  [
    key(PROGRAMS.printBoth),
    (p) => {
      p.write('stdout', 'out-1\n');
      p.write('stderr', 'err-1\n');
      setTimeout(() => {
        p.write('stdout', 'out-2\n');
        p.exit(0);
      }, 200);
      return undefined;
    },
  ],
  [
    key(PROGRAMS.printSlowly),
    (p) => {
      p.write('stdout', 'one\n');
      setTimeout(() => p.write('stderr', 'two\n'), 100);
      setTimeout(() => p.exit(0), 200);
      return undefined;
    },
  ],
  [
    key(PROGRAMS.printThenWait),
    (p) => {
      p.write('stdout', 'ready\n');
      return { onTerm: () => {} };
    },
  ],
  [key(PROGRAMS.httpServer), () => ({ onTerm: () => {} })],
]);

function key(command: readonly string[]): string {
  return JSON.stringify(command);
}

const runAsInContract: FakeBehaviour = (p) => {
  const behaviour = behaviours.get(key(p.spec.command ?? []));
  if (!behaviour) throw new Error(`no fake behaviour for ${key(p.spec.command ?? [])}`);
  return behaviour(p);
};

const execHandlers = new Map<string, FakeExecHandler>([
  [
    key(EXEC_PROGRAMS.printBoth),
    (_id, _options, io) => {
      io.write('stdout', 'to-out\n');
      io.write('stderr', 'to-err\n');
      return 0;
    },
  ],
  [key(EXEC_PROGRAMS.exit7), () => 7],
  [
    key(EXEC_PROGRAMS.cat),
    async (_id, _options, io) => {
      for await (const part of io.stdin) io.write('stdout', part);
      return 0;
    },
  ],
  [
    key(EXEC_PROGRAMS.printEnv),
    (_id, options, io) => {
      io.write('stdout', `${options.env?.find((e) => e.name === 'SHOAL_GREETING')?.value ?? ''}\n`);
      return 0;
    },
  ],
  [
    key(EXEC_PROGRAMS.sizeAfterLine),
    async (_id, _options, io) => {
      for await (const _line of io.stdin) break;
      const size = io.size();
      io.write('stdout', `${size?.rows} ${size?.cols}\r\n`);
      return 0;
    },
  ],
  [
    key(EXEC_PROGRAMS.sleep),
    (_id, _options, io) =>
      new Promise<number>((resolve) => io.signal.addEventListener('abort', () => resolve(137))),
  ],
]);

const execAsInContract: FakeExecHandler = (id, options, io) => {
  const handler = execHandlers.get(key(options.command));
  if (!handler) throw new Error(`no fake exec handler for ${key(options.command)}`);
  return handler(id, options, io);
};

containerRuntimeContract('FakeRuntime', () => ({
  runtime: new FakeRuntime({ images: [IMAGE], behaviour: runAsInContract, exec: execAsInContract }),
  image: IMAGE,
  labels: { 'shoal.test': 'fake' },
  cleanup: async () => {},
}));

describe('FakeRuntime controls', () => {
  const labels = { app: 'x' };

  it('lets a test end a container with an exit code and an OOM kill, and restart it', async () => {
    const rt = new FakeRuntime({ images: [IMAGE] });
    const id = await rt.createContainer({ name: 'a', image: IMAGE, labels });
    await rt.startContainer(id);
    rt.write(id, 'stdout', 'hello\n');
    rt.exit(id, 137, { oomKilled: true });
    expect(await rt.inspectContainer(id)).toMatchObject({ state: 'exited', exitCode: 137, oomKilled: true });

    await rt.startContainer(id);
    const again = await rt.inspectContainer(id);
    expect(again).toMatchObject({ state: 'running', oomKilled: false });
    expect(again.exitCode).toBeUndefined();
  });

  it('pulls only the images it was told are pullable, with progress', async () => {
    const rt = new FakeRuntime({ pullable: ['registry.local/app:2'] });
    const events: string[] = [];
    await rt.pullImage('registry.local/app:2', { onProgress: (e) => events.push(e.status) });
    expect(events.length).toBeGreaterThan(0);
    expect(await rt.imagePresent('registry.local/app:2')).toBe(true);
    const id = await rt.createContainer({ name: 'b', image: 'registry.local/app:2', labels });
    expect((await rt.inspectContainer(id)).imageId).toMatch(/^sha256:/);
  });

  it('scales grace periods with msPerSecond', async () => {
    const rt = new FakeRuntime({ images: [IMAGE], msPerSecond: 1, behaviour: () => ({ onTerm: () => {} }) });
    const id = await rt.createContainer({ name: 'c', image: IMAGE, labels });
    await rt.startContainer(id);
    const started = Date.now();
    await Promise.all([rt.stopContainer(id, 30), rt.stopContainer(id, 30)]);
    expect(Date.now() - started).toBeLessThan(500);
    expect((await rt.inspectContainer(id)).exitCode).toBe(137);
  });

  it('runs the exec handler set with onExec, and ends its sessions with 137 when the container stops', async () => {
    const rt = new FakeRuntime({ images: [IMAGE] });
    const id = await rt.createContainer({ name: 'e', image: IMAGE, labels });
    await rt.startContainer(id);
    const unknown = await rt.exec(id, { command: ['probe'] });
    expect(await unknown.exitCode).toBe(126);

    const seen: string[][] = [];
    rt.onExec((containerId, options, io) => {
      seen.push([containerId, ...options.command]);
      return new Promise<number>((resolve) => io.signal.addEventListener('abort', () => resolve(0)));
    });
    const session = await rt.exec(id, { command: ['probe', '--long'] });
    expect(seen).toEqual([[id, 'probe', '--long']]);
    rt.exit(id, 1);
    expect(await session.exitCode).toBe(137);
  });

  it('returns copies, so callers cannot change its state', async () => {
    const rt = new FakeRuntime({ images: [IMAGE] });
    const id = await rt.createContainer({ name: 'd', image: IMAGE, labels });
    const seen = await rt.inspectContainer(id);
    seen.labels.app = 'changed';
    expect((await rt.inspectContainer(id)).labels.app).toBe('x');
    expect((await rt.listContainers({ labels }))[0]?.id).toBe(id);
  });
});
