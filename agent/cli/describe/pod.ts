// `shoal describe pod`: kubectl's describePod.
import type { Pod } from '../../../shared/model/types.ts';
import { ageSince } from '../tables/age.ts';
import { controlledBy, type DescribeContext, formatTime, writeAnnotations, writeLabels } from './common.ts';
import { podQosClass, writeContainers, writeTolerations, writeVolumes } from './containers.ts';
import { writeEvents } from './events.ts';
import { DescribeWriter } from './writer.ts';

export function describePod(pod: Pod, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  const status = pod.status ?? {};
  w.field(0, 'Name', pod.metadata.name);
  w.field(0, 'Namespace', pod.metadata.namespace ?? '');
  if (pod.spec.priority !== undefined) w.field(0, 'Priority', pod.spec.priority);
  w.field(0, 'Node', pod.spec.nodeName ? `${pod.spec.nodeName}/${status.hostIP ?? ''}` : '<none>');
  if (status.startTime) w.field(0, 'Start Time', formatTime(status.startTime));
  writeLabels(w, 'Labels', pod.metadata.labels);
  writeAnnotations(w, 'Annotations', pod.metadata.annotations);
  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && !terminal) {
    w.field(0, 'Status', `Terminating (lasts ${ageSince(pod.metadata.deletionTimestamp, ctx.now)})`);
    w.field(0, 'Termination Grace Period', `${pod.metadata.deletionGracePeriodSeconds ?? 0}s`);
  } else {
    w.field(0, 'Status', status.phase ?? 'Pending');
  }
  if (status.reason) w.field(0, 'Reason', status.reason);
  if (status.message) w.field(0, 'Message', status.message);
  w.field(0, 'IP', status.podIP ?? '');
  const ips = status.podIPs ?? (status.podIP ? [{ ip: status.podIP }] : []);
  if (ips.length === 0) w.field(0, 'IPs', '<none>');
  else {
    w.write(0, 'IPs:\n');
    for (const ip of ips) w.field(1, 'IP', ip.ip);
  }
  const owner = controlledBy(pod);
  if (owner) w.field(0, 'Controlled By', owner);
  if (status.nominatedNodeName) w.field(0, 'NominatedNodeName', status.nominatedNodeName);
  if (pod.spec.initContainers && pod.spec.initContainers.length > 0) {
    writeContainers(w, 'Init Containers', pod.spec.initContainers, status.initContainerStatuses, '');
  }
  writeContainers(w, 'Containers', pod.spec.containers, status.containerStatuses, '');
  if (status.conditions && status.conditions.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\n');
    for (const c of status.conditions) w.write(1, `${c.type} \t${c.status} \n`);
  }
  writeVolumes(w, pod.spec.volumes, '');
  w.field(0, 'QoS Class', podQosClass(pod.spec));
  writeLabels(w, 'Node-Selectors', pod.spec.nodeSelector);
  writeTolerations(w, 'Tolerations', pod.spec.tolerations);
  writeEvents(w, ctx.events, ctx.now);
  return w.text();
}
