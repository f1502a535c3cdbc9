// The leader's controller manager: keys enqueued by document changes are reconciled against the current
// snapshot, one tick's actions land as one batch, failed writes are retried, and stepping down stops it.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ControllerManager } from '../../agent/controllers/ControllerManager.ts';
import type {
  Controller,
  ControllerContext,
  ReconcileResult,
} from '../../agent/controllers/controllerTypes.ts';
import type { EventRecord } from '../../agent/events/EventRecorder.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';

/** Keeps a ConfigMap `<name>-copy` equal to every ConfigMap `<name>` (not ending in -copy). */
class CopyController implements Controller {
  readonly name = 'copy';
  seen: Array<{ key: string; term: number }> = [];
  keysFor(obj: KubeObject): string[] {
    return obj.kind === 'ConfigMap' && !obj.metadata.name.endsWith('-copy') ? [obj.metadata.name] : [];
  }
  allKeys(view: ControllerContext['view']): string[] {
    return view.list('ConfigMap').flatMap((o) => this.keysFor(o));
  }
  reconcile(key: string, ctx: ControllerContext): ReconcileResult {
    this.seen.push({ key, term: ctx.term });
    const source = ctx.view.get('ConfigMap', 'default', key) as (KubeObject & { data?: unknown }) | undefined;
    const copy = ctx.view.get('ConfigMap', 'default', `${key}-copy`) as
      | (KubeObject & { data?: unknown })
      | undefined;
    if (!source)
      return {
        actions: copy
          ? [{ type: 'delete', kind: 'ConfigMap', namespace: 'default', name: `${key}-copy` }]
          : [],
      };
    if (copy && JSON.stringify(copy.data) === JSON.stringify(source.data)) return { actions: [] };
    const object = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${key}-copy`, namespace: 'default' },
      data: source.data,
    } as KubeObject;
    return {
      actions: [
        copy
          ? {
              type: 'update',
              object: {
                ...object,
                metadata: { ...object.metadata, resourceVersion: copy.metadata.resourceVersion },
              } as KubeObject,
            }
          : { type: 'create', object },
        {
          type: 'event',
          event: {
            involvedObject: { kind: 'ConfigMap', namespace: 'default', name: key },
            type: 'Normal',
            reason: 'Copied',
            message: `copied ${key}`,
          },
        },
      ],
    };
  }
}

const cm = (name: string, data: Record<string, string>) =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data }) as KubeObject;

async function until(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function setup() {
  const store = new MemoryClusterStore();
  const events: EventRecord[] = [];
  const controller = new CopyController();
  const manager = new ControllerManager({
    store,
    recorder: { record: (e) => events.push(e) },
    logger: pino({ level: 'silent' }),
    controllers: [controller],
    resyncMs: 60_000,
  });
  return { store, events, controller, manager };
}

describe('ControllerManager', () => {
  it('does nothing until it leads, then reconciles existing and new objects with its term', async () => {
    const { store, events, controller, manager } = setup();
    await store.create(cm('a', { x: '1' }));
    await new Promise((r) => setTimeout(r, 20));
    expect(store.get('ConfigMap', 'default', 'a-copy')).toBeUndefined();
    manager.lead(7);
    await until(() => store.get('ConfigMap', 'default', 'a-copy') !== undefined);
    await store.create(cm('b', { y: '2' }));
    await until(() => store.get('ConfigMap', 'default', 'b-copy') !== undefined);
    expect(controller.seen.every((s) => s.term === 7)).toBe(true);
    expect(events.map((e) => e.message).sort()).toEqual(['copied a', 'copied b']);
    manager.stepDown();
  });

  it('stops writing once it steps down', async () => {
    const { store, manager } = setup();
    manager.lead(1);
    manager.stepDown();
    await store.create(cm('c', { z: '3' }));
    await new Promise((r) => setTimeout(r, 50));
    expect(store.get('ConfigMap', 'default', 'c-copy')).toBeUndefined();
  });

  it('retries a key whose conditional write lost to a newer object', async () => {
    const { store, manager } = setup();
    await store.create(cm('d', { v: '1' }));
    await store.create(cm('d-copy', { v: 'old' }));
    manager.lead(1);
    await until(
      () =>
        JSON.stringify((store.get('ConfigMap', 'default', 'd-copy') as { data?: unknown }).data) ===
        '{"v":"1"}',
    );
    // Change the source and, in the same turn, the copy: the planned update is conditional and fails once.
    const source = structuredClone(store.get('ConfigMap', 'default', 'd')) as KubeObject & {
      data: Record<string, string>;
    };
    source.data = { v: '2' };
    await store.updateSpec(source);
    await until(
      () =>
        JSON.stringify((store.get('ConfigMap', 'default', 'd-copy') as { data?: unknown }).data) ===
        '{"v":"2"}',
    );
    manager.stepDown();
  });
});
