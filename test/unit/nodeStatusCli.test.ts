// How the Node an agent registers reads in `shoal get nodes -o wide` and `shoal describe node`.
import { describe, expect, it } from 'vitest';
import { describeObject } from '../../agent/cli/describe/index.ts';
import { buildTable, renderTable } from '../../agent/cli/tables/index.ts';
import { buildNode, type MachineFacts } from '../../agent/node/nodeInfo.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import type { Node } from '../../shared/model/types.ts';

const Mi = 1024 * 1024;
const T0 = Date.parse('2026-01-01T10:00:00Z');
const NOW = new Date(T0 + 3 * 86400_000);

const facts: MachineFacts = {
  cpus: 4,
  memoryBytes: 8_000_000 * 1024,
  platform: 'linux',
  arch: 'x64',
  kernel: '6.1.0-18-amd64',
  osImage: 'Debian GNU/Linux 12 (bookworm)',
  hostname: 'box',
  addresses: ['10.0.0.5'],
  dockerVersion: '24.0.5',
  shoalVersion: '0.1.0',
  measuredAt: T0,
  memoryAvailableBytes: 50 * Mi,
  rootFs: { capacityBytes: 100 * 1024 * Mi, availableBytes: 60 * 1024 * Mi },
  images: [
    { names: ['nginx:1.25'], sizeBytes: 190 * Mi },
    { names: ['shoal.test/busybox:1'], sizeBytes: 2 * Mi },
  ],
};

function registered(over: { unschedulable?: boolean; ready?: 'True' | 'Unknown' } = {}): Node {
  const node = buildNode('box', 'ab'.repeat(32), facts);
  node.metadata.creationTimestamp = '2026-01-01T10:00:00Z';
  if (over.unschedulable) node.spec = { unschedulable: true };
  const ready = {
    type: 'Ready',
    status: over.ready ?? 'True',
    reason: 'AgentReady',
    lastHeartbeatTime: '2026-01-01T10:00:01Z',
    lastTransitionTime: '2026-01-01T10:00:01Z',
  };
  node.status = { ...node.status, conditions: [...(node.status?.conditions ?? []), ready] };
  return node;
}

describe('shoal get nodes', () => {
  it("prints kubectl's wide columns, with STATUS from Ready and the cordon", () => {
    const nodes = [registered(), registered({ unschedulable: true }), registered({ ready: 'Unknown' })];
    nodes[1]!.metadata.name = 'cordoned';
    nodes[2]!.metadata.name = 'silent';
    const text = renderTable(buildTable('Node', nodes as KubeObject[], { now: NOW, wide: true }));
    expect(text.split('\n')).toEqual([
      'NAME       STATUS                     ROLES    AGE   VERSION       INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION   CONTAINER-RUNTIME',
      'box        Ready                      <none>   3d    shoal-0.1.0   10.0.0.5      <none>        Debian GNU/Linux 12 (bookworm)   6.1.0-18-amd64   docker://24.0.5',
      'cordoned   Ready,SchedulingDisabled   <none>   3d    shoal-0.1.0   10.0.0.5      <none>        Debian GNU/Linux 12 (bookworm)   6.1.0-18-amd64   docker://24.0.5',
      'silent     NotReady                   <none>   3d    shoal-0.1.0   10.0.0.5      <none>        Debian GNU/Linux 12 (bookworm)   6.1.0-18-amd64   docker://24.0.5',
      '',
    ]);
  });
});

describe('shoal describe node', () => {
  it('shows every condition, capacity and allocatable, the system info and the images held', () => {
    const text = describeObject(registered() as KubeObject, { now: NOW, events: [], pods: [] });
    expect(text).toMatch(
      /\n {2}MemoryPressure +True +Thu, 01 Jan 2026 10:00:00 \+0000 +Thu, 01 Jan 2026 10:00:00 \+0000 +KubeletHasInsufficientMemory +kubelet has insufficient memory available\n/,
    );
    expect(text).toMatch(
      /\n {2}DiskPressure +False .* KubeletHasNoDiskPressure +kubelet has no disk pressure\n/,
    );
    expect(text).toMatch(
      /\n {2}Ready +True +Thu, 01 Jan 2026 10:00:01 \+0000 +Thu, 01 Jan 2026 10:00:01 \+0000 +AgentReady +\n/,
    );
    expect(text).toContain(
      'Capacity:\n  cpu:                4\n  ephemeral-storage:  104857600Ki\n  memory:             8000000Ki\n  pods:               110\n',
    );
    expect(text).toContain(
      'Allocatable:\n  cpu:                4\n  ephemeral-storage:  96636764160\n  memory:             7897600Ki\n  pods:               110\n',
    );
    expect(text).toMatch(/\nImages: +2 \(192Mi\)\n/);
    expect(text).toMatch(/\n {2}ephemeral-storage +0 \(0%\) +0 \(0%\)\n/);
  });
});
