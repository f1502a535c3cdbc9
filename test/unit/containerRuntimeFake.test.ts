// The runtime contract on FakeRuntime, plus the fake's own test controls. Each program of the contract
// is given a behaviour that does what the real shell command does.

import { describe, expect, it } from 'vitest';
import { type FakeBehaviour, FakeRuntime } from '../../agent/kubelet/runtime/FakeRuntime.ts';
import { containerRuntimeContract, PROGRAMS } from '../support/containerRuntimeContract.ts';

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

containerRuntimeContract('FakeRuntime', () => ({
  runtime: new FakeRuntime({ images: [IMAGE], behaviour: runAsInContract }),
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

  it('returns copies, so callers cannot change its state', async () => {
    const rt = new FakeRuntime({ images: [IMAGE] });
    const id = await rt.createContainer({ name: 'd', image: IMAGE, labels });
    const seen = await rt.inspectContainer(id);
    seen.labels.app = 'changed';
    expect((await rt.inspectContainer(id)).labels.app).toBe('x');
    expect((await rt.listContainers({ labels }))[0]?.id).toBe(id);
  });
});
