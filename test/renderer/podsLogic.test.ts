// The Pods view's pure logic: kubectl's STATUS/READY/RESTARTS, filters, the log buffer and search, the
// exec command line, and the table's row window.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../renderer/src/views/pods/execCommand.ts';
import {
  findMatches,
  groupMatchesByLine,
  LogBuffer,
  stepMatch,
} from '../../renderer/src/views/pods/logBuffer.ts';
import {
  EMPTY_FILTER,
  filterPods,
  nodeChoices,
  parseSelector,
  UNSCHEDULED,
} from '../../renderer/src/views/pods/podFilters.ts';
import { cachedPodSummary, podSummary, restartsText } from '../../renderer/src/views/pods/podStatus.ts';
import { ROW_HEIGHT, rowWindow, WINDOW_THRESHOLD } from '../../renderer/src/views/pods/podWindow.ts';
import type { Pod } from '../../shared/model/types.ts';

type Status = NonNullable<Pod['status']>;
type ContainerStatus = NonNullable<Status['containerStatuses']>[number];

function pod(
  name: string,
  opts: {
    status?: Status;
    labels?: Record<string, string>;
    node?: string;
    containers?: number;
    init?: number;
    deleting?: boolean;
  } = {},
): Pod {
  const containers = Array.from({ length: opts.containers ?? 1 }, (_, i) => ({
    name: `c${i}`,
    image: 'busybox',
  }));
  const initContainers = Array.from({ length: opts.init ?? 0 }, (_, i) => ({
    name: `init${i}`,
    image: 'busybox',
  }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      labels: opts.labels,
      creationTimestamp: '2026-01-01T00:00:00Z',
      ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:10:00Z' } : {}),
    },
    spec: { containers, ...(initContainers.length ? { initContainers } : {}), nodeName: opts.node },
    status: opts.status,
  } as Pod;
}

function cs(
  name: string,
  state: ContainerStatus['state'],
  extra: Partial<ContainerStatus> = {},
): ContainerStatus {
  return { name, state, ready: false, restartCount: 0, image: 'busybox', ...extra };
}

describe('podSummary (kubectl STATUS)', () => {
  it('is Pending with no status at all', () => {
    expect(podSummary(pod('a'))).toMatchObject({
      ready: '0/1',
      status: 'Pending',
      restarts: 0,
      tone: 'warn',
    });
  });

  it('is Running and ready when every container runs ready', () => {
    const p = pod('a', {
      containers: 2,
      status: {
        phase: 'Running',
        containerStatuses: [
          cs('c0', { running: {} }, { ready: true }),
          cs('c1', { running: {} }, { ready: true }),
        ],
      },
    });
    expect(podSummary(p)).toMatchObject({ ready: '2/2', status: 'Running', tone: 'ok' });
  });

  it('shows a waiting reason: ContainerCreating, CrashLoopBackOff', () => {
    const creating = pod('a', {
      status: {
        phase: 'Pending',
        containerStatuses: [cs('c0', { waiting: { reason: 'ContainerCreating' } })],
      },
    });
    expect(podSummary(creating)).toMatchObject({ status: 'ContainerCreating', tone: 'warn' });
    const crashing = pod('b', {
      status: {
        phase: 'Running',
        containerStatuses: [
          cs(
            'c0',
            { waiting: { reason: 'CrashLoopBackOff' } },
            {
              restartCount: 4,
              lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-01-01T00:05:00Z' } },
            },
          ),
        ],
      },
    });
    const summary = podSummary(crashing);
    expect(summary).toMatchObject({ status: 'CrashLoopBackOff', restarts: 4, tone: 'error' });
    expect(restartsText(summary, Date.parse('2026-01-01T00:10:00Z'))).toBe('4 (5m ago)');
  });

  it('is Completed for a container that exited 0, and ExitCode:N without a reason', () => {
    const done = pod('a', {
      status: {
        phase: 'Succeeded',
        containerStatuses: [cs('c0', { terminated: { exitCode: 0, reason: 'Completed' } })],
      },
    });
    expect(podSummary(done)).toMatchObject({ status: 'Completed', tone: 'idle' });
    const failed = pod('b', {
      status: { phase: 'Failed', containerStatuses: [cs('c0', { terminated: { exitCode: 3 } })] },
    });
    expect(podSummary(failed)).toMatchObject({ status: 'ExitCode:3', tone: 'error' });
  });

  it('shows init progress, Init:Error and Init:CrashLoopBackOff', () => {
    const initializing = pod('a', {
      init: 2,
      status: {
        phase: 'Pending',
        initContainerStatuses: [cs('init0', { terminated: { exitCode: 0 } }), cs('init1', { running: {} })],
      },
    });
    expect(podSummary(initializing).status).toBe('Init:1/2');
    const broken = pod('b', {
      init: 1,
      status: {
        phase: 'Pending',
        initContainerStatuses: [cs('init0', { terminated: { exitCode: 1, reason: 'Error' } })],
      },
    });
    expect(podSummary(broken).status).toBe('Init:Error');
    const looping = pod('c', {
      init: 1,
      status: {
        phase: 'Pending',
        initContainerStatuses: [cs('init0', { waiting: { reason: 'CrashLoopBackOff' } })],
      },
    });
    expect(podSummary(looping).status).toBe('Init:CrashLoopBackOff');
  });

  it('is Terminating once deleted, unless already finished', () => {
    const running = pod('a', {
      deleting: true,
      status: { phase: 'Running', containerStatuses: [cs('c0', { running: {} }, { ready: true })] },
    });
    expect(podSummary(running).status).toBe('Terminating');
    const done = pod('b', {
      deleting: true,
      status: {
        phase: 'Succeeded',
        containerStatuses: [cs('c0', { terminated: { exitCode: 0, reason: 'Completed' } })],
      },
    });
    expect(podSummary(done).status).toBe('Completed');
  });

  it('is computed once per pod object', () => {
    const p = pod('a');
    expect(cachedPodSummary(p)).toBe(cachedPodSummary(p));
    expect(cachedPodSummary({ ...p })).not.toBe(cachedPodSummary(p));
  });
});

describe('pod filters', () => {
  const pods = [
    pod('web-1', { labels: { app: 'web', tier: 'front' }, node: 'alpha', status: { phase: 'Running' } }),
    pod('web-2', { labels: { app: 'web', tier: 'front' }, node: 'beta', status: { phase: 'Pending' } }),
    pod('db-1', { labels: { app: 'db' }, node: 'beta', status: { phase: 'Running' } }),
    pod('lost', { labels: { app: 'batch' } }),
  ];
  const names = (list: Pod[]) => list.map((p) => p.metadata.name);

  it('passes everything when empty', () => {
    expect(names(filterPods(pods, EMPTY_FILTER, parseSelector('')))).toEqual([
      'web-1',
      'web-2',
      'db-1',
      'lost',
    ]);
  });

  it('filters by label selector, node and phase together', () => {
    expect(
      names(filterPods(pods, { ...EMPTY_FILTER, selector: 'app=web' }, parseSelector('app=web'))),
    ).toEqual(['web-1', 'web-2']);
    expect(
      names(
        filterPods(pods, { ...EMPTY_FILTER, selector: 'app notin (web)' }, parseSelector('app notin (web)')),
      ),
    ).toEqual(['db-1', 'lost']);
    const f = { selector: 'tier', node: 'beta', phase: 'Pending' };
    expect(names(filterPods(pods, f, parseSelector(f.selector)))).toEqual(['web-2']);
    expect(names(filterPods(pods, { ...EMPTY_FILTER, node: UNSCHEDULED }, parseSelector('')))).toEqual([
      'lost',
    ]);
    expect(names(filterPods(pods, { ...EMPTY_FILTER, phase: 'Pending' }, parseSelector('')))).toEqual([
      'web-2',
      'lost',
    ]);
  });

  it('names what is wrong with a bad selector, and then filters nothing out', () => {
    const bad = parseSelector('app in (web');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/expected/);
    expect(filterPods(pods, { ...EMPTY_FILTER, selector: 'app in (web' }, bad)).toHaveLength(4);
  });

  it('offers the nodes pods run on, the cluster nodes, and unscheduled last', () => {
    expect(nodeChoices(pods, ['gamma'])).toEqual(['alpha', 'beta', 'gamma', UNSCHEDULED]);
  });
});

describe('LogBuffer', () => {
  it('joins chunks split mid-line and shows the unfinished line', () => {
    const b = new LogBuffer();
    b.append('hello wo');
    expect(b.lines().map((l) => l.text)).toEqual(['hello wo']);
    b.append('rld\r\nsecond\n');
    expect(b.lines().map((l) => l.text)).toEqual(['hello world', 'second']);
  });

  it('keeps at most maxLines, dropping the oldest, with stable sequence numbers', () => {
    const b = new LogBuffer(3);
    b.append('1\n2\n3\n4\n5\n');
    expect(b.lines()).toEqual([
      { seq: 2, text: '3' },
      { seq: 3, text: '4' },
      { seq: 4, text: '5' },
    ]);
    b.append('6');
    expect(b.lines().map((l) => l.text)).toEqual(['4', '5', '6']);
  });

  it('finds every case-insensitive match and steps around them', () => {
    const lines = [
      { seq: 0, text: 'Error: disk' },
      { seq: 1, text: 'ok' },
      { seq: 2, text: 'error error' },
    ];
    const matches = findMatches(lines, 'ERROR');
    expect(matches).toEqual([
      { line: 0, start: 0, end: 5 },
      { line: 2, start: 0, end: 5 },
      { line: 2, start: 6, end: 11 },
    ]);
    expect(groupMatchesByLine(matches).get(2)).toEqual({ matches: [matches[1], matches[2]], firstIndex: 1 });
    expect(findMatches(lines, '')).toEqual([]);
    expect(stepMatch(2, 3, 1)).toBe(0);
    expect(stepMatch(0, 3, -1)).toBe(2);
    expect(stepMatch(-1, 0, 1)).toBe(-1);
  });
});

describe('parseCommand', () => {
  it('splits words and honours quotes and escapes', () => {
    expect(parseCommand('sh')).toEqual({ ok: true, argv: ['sh'] });
    expect(parseCommand(`sh -c 'echo "hi there"; ls'`)).toEqual({
      ok: true,
      argv: ['sh', '-c', 'echo "hi there"; ls'],
    });
    expect(parseCommand('echo a\\ b ""')).toEqual({ ok: true, argv: ['echo', 'a b', ''] });
  });

  it('refuses an empty command and an open quote', () => {
    expect(parseCommand('   ')).toEqual({ ok: false, error: 'the command is empty' });
    expect(parseCommand("sh -c 'oops")).toEqual({ ok: false, error: "unterminated ' quote in the command" });
  });
});

describe('rowWindow', () => {
  it('renders everything below the threshold', () => {
    expect(rowWindow(WINDOW_THRESHOLD, 5000, 400)).toEqual({
      first: 0,
      last: WINDOW_THRESHOLD,
      padTop: 0,
      padBottom: 0,
    });
  });

  it('renders the rows around the viewport and pads the rest', () => {
    const w = rowWindow(1000, 100 * ROW_HEIGHT, 20 * ROW_HEIGHT);
    expect(w.first).toBe(90);
    expect(w.last).toBe(130);
    expect(w.padTop).toBe(90 * ROW_HEIGHT);
    expect(w.padBottom).toBe(870 * ROW_HEIGHT);
    const end = rowWindow(1000, 10_000_000, 20 * ROW_HEIGHT);
    expect(end.last).toBe(1000);
    expect(end.first).toBeLessThanOrEqual(end.last);
  });
});
