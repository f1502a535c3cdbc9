// `shoal describe node`: kubectl's describeNode, with the pods the node runs and what they request.
import { formatBytes, formatMillicores, toBytes, toMillicores } from '../../../shared/model/quantity.ts';
import type { Node, Pod } from '../../../shared/model/types.ts';
import { ageSince } from '../tables/age.ts';
import { nodeRoles } from '../tables/core.ts';
import { type DescribeContext, formatTime, writeAnnotations, writeLabels } from './common.ts';
import { writeEvents } from './events.ts';
import { DescribeWriter } from './writer.ts';

type ResourceList = Record<string, string | number>;

function writeTaints(w: DescribeWriter, node: Node): void {
  const taints = node.spec?.taints ?? [];
  w.write(0, 'Taints:\t');
  if (taints.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  taints.forEach((t, i) => {
    if (i !== 0) w.write(0, '\t');
    w.write(0, `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}\n`);
  });
}

function writeResourceList(w: DescribeWriter, list: ResourceList): void {
  for (const name of Object.keys(list).sort()) w.write(0, `  ${name}:\t${list[name]}\n`);
}

/** Sums of requests and limits of a pod's containers (init containers count at their maximum). */
function podAmounts(pod: Pod): {
  cpuReq: number;
  cpuLim: number;
  memReq: number;
  memLim: number;
  storageReq: number;
  storageLim: number;
} {
  const sum = (key: 'requests' | 'limits', res: string, convert: (q: string | number) => number) => {
    const get = (c: Pod['spec']['containers'][number]) => {
      const q = c.resources?.[key]?.[res];
      return q === undefined ? 0 : convert(q);
    };
    const main = pod.spec.containers.reduce((n, c) => n + get(c), 0);
    const init = Math.max(0, ...(pod.spec.initContainers ?? []).map(get));
    return Math.max(main, init);
  };
  return {
    cpuReq: sum('requests', 'cpu', toMillicores),
    cpuLim: sum('limits', 'cpu', toMillicores),
    memReq: sum('requests', 'memory', toBytes),
    memLim: sum('limits', 'memory', toBytes),
    storageReq: sum('requests', 'ephemeral-storage', toBytes),
    storageLim: sum('limits', 'ephemeral-storage', toBytes),
  };
}

function percent(part: number, whole: number): number {
  return whole > 0 ? Math.trunc((part / whole) * 100) : 0;
}

function writePods(w: DescribeWriter, node: Node, pods: readonly Pod[], now: Date): void {
  const running = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const alloc = (node.status?.allocatable ?? node.status?.capacity ?? {}) as ResourceList;
  const cpu = alloc.cpu === undefined ? 0 : toMillicores(alloc.cpu);
  const mem = alloc.memory === undefined ? 0 : toBytes(alloc.memory);
  const storage = alloc['ephemeral-storage'] === undefined ? 0 : toBytes(alloc['ephemeral-storage']);
  w.field(0, 'Non-terminated Pods', `(${running.length} in total)`);
  w.write(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const total = { cpuReq: 0, cpuLim: 0, memReq: 0, memLim: 0, storageReq: 0, storageLim: 0 };
  for (const pod of running) {
    const a = podAmounts(pod);
    total.cpuReq += a.cpuReq;
    total.cpuLim += a.cpuLim;
    total.memReq += a.memReq;
    total.memLim += a.memLim;
    total.storageReq += a.storageReq;
    total.storageLim += a.storageLim;
    w.write(
      1,
      `${pod.metadata.namespace}\t${pod.metadata.name}\t\t` +
        `${formatMillicores(a.cpuReq)} (${percent(a.cpuReq, cpu)}%)\t${formatMillicores(a.cpuLim)} (${percent(a.cpuLim, cpu)}%)\t` +
        `${formatBytes(a.memReq)} (${percent(a.memReq, mem)}%)\t${formatBytes(a.memLim)} (${percent(a.memLim, mem)}%)\t` +
        `${ageSince(pod.metadata.creationTimestamp, now)}\n`,
    );
  }
  w.write(0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(1, 'Resource\tRequests\tLimits\n');
  w.write(1, '--------\t--------\t------\n');
  w.write(
    1,
    `cpu\t${formatMillicores(total.cpuReq)} (${percent(total.cpuReq, cpu)}%)\t${formatMillicores(total.cpuLim)} (${percent(total.cpuLim, cpu)}%)\n`,
  );
  w.write(
    1,
    `memory\t${formatBytes(total.memReq)} (${percent(total.memReq, mem)}%)\t${formatBytes(total.memLim)} (${percent(total.memLim, mem)}%)\n`,
  );
  w.write(
    1,
    `ephemeral-storage\t${formatBytes(total.storageReq)} (${percent(total.storageReq, storage)}%)\t${formatBytes(total.storageLim)} (${percent(total.storageLim, storage)}%)\n`,
  );
}

function imagesSummary(images: NonNullable<NonNullable<Node['status']>['images']>): string {
  const bytes = images.reduce((n, image) => n + (image.sizeBytes ?? 0), 0);
  return `${images.length} (${formatBytes(Math.ceil(bytes / 1024 / 1024) * 1024 * 1024)})`;
}

export function describeNode(node: Node, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  const status = node.status ?? {};
  w.field(0, 'Name', node.metadata.name);
  w.field(0, 'Roles', nodeRoles(node).join(',') || '<none>');
  writeLabels(w, 'Labels', node.metadata.labels);
  writeAnnotations(w, 'Annotations', node.metadata.annotations);
  w.field(0, 'CreationTimestamp', formatTime(node.metadata.creationTimestamp));
  writeTaints(w, node);
  w.field(0, 'Unschedulable', node.spec?.unschedulable ?? false);
  if (status.conditions && status.conditions.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of status.conditions) {
      w.write(
        1,
        `${c.type} \t${c.status} \t${formatTime(c.lastHeartbeatTime)} \t${formatTime(c.lastTransitionTime)} \t` +
          `${c.reason ?? ''} \t${c.message ?? ''}\n`,
      );
    }
  }
  w.write(0, 'Addresses:\n');
  for (const a of status.addresses ?? []) w.field(1, a.type, a.address);
  if (status.capacity && Object.keys(status.capacity).length > 0) {
    w.write(0, 'Capacity:\n');
    writeResourceList(w, status.capacity);
  }
  if (status.allocatable && Object.keys(status.allocatable).length > 0) {
    w.write(0, 'Allocatable:\n');
    writeResourceList(w, status.allocatable);
  }
  const info = status.nodeInfo ?? {};
  w.write(0, 'System Info:\n');
  w.write(0, `  Machine ID:\t${info.machineID ?? ''}\n`);
  w.write(0, `  Kernel Version:\t${info.kernelVersion ?? ''}\n`);
  w.write(0, `  OS Image:\t${info.osImage ?? ''}\n`);
  w.write(0, `  Operating System:\t${info.operatingSystem ?? ''}\n`);
  w.write(0, `  Architecture:\t${info.architecture ?? ''}\n`);
  w.write(0, `  Container Runtime Version:\t${info.containerRuntimeVersion ?? ''}\n`);
  w.write(0, `  Kubelet Version:\t${info.kubeletVersion ?? ''}\n`);
  // Not in kubectl's describe: how many images the engine holds (status.images, at most 50 listed).
  if (status.images) w.field(0, 'Images', imagesSummary(status.images));
  if (node.spec?.podCIDR) w.field(0, 'PodCIDR', node.spec.podCIDR);
  if (node.spec?.providerID) w.field(0, 'ProviderID', node.spec.providerID);
  if (ctx.pods) writePods(w, node, ctx.pods as readonly Pod[], ctx.now);
  writeEvents(w, ctx.events, ctx.now);
  return w.text();
}
