// The scheduler's decisions, pure: pending pods, the nodes and the pods already on them in; where each pod
// goes (or kube-scheduler's message for why it cannot go anywhere) out. Pods are taken oldest first and
// every placement is accounted before the next pod is looked at, so one pass never overcommits a node,
// never binds one host port twice and honours anti-affinity between pods of the same pass.
//
// Cost: the node-only filters (readiness, cordon, taints, node selector and affinity) depend on a pod's
// "shape", not on the pod, so they are worked out once per shape and each pod then walks only the nodes
// that passed them, checking what changes as pods land (room, ports, inter-pod rules) from flat arrays.
// Identical pods that failed are not re-examined until a placement changes the picture.

import type { Node, Pod } from '../../../shared/model/types.ts';
import { matchesNodeSelectorAndAffinity } from '../nodeAffinity.ts';
import { controllerRef } from '../ownerRefs.ts';
import { fitErrorMessage, REASON, untoleratedTaintReason } from './failureMessage.ts';
import { type HostPort, hostPortsOf, NodeTable } from './nodeTable.ts';
import { type InterPodRules, interPodRefusal, interPodRules } from './podAffinity.ts';
import { type PodRequests, podResources } from './podResources.ts';
import { imageLocalityScore, leastAllocatedScore, ownerSpreadScore, SCORE_WEIGHTS } from './scores.ts';
import { firstUntoleratedTaint, refusedAsUnschedulable } from './taints.ts';

export interface Placement {
  pod: Pod;
  nodeName: string;
}

export interface SchedulingFailure {
  pod: Pod;
  /** kube-scheduler's FitError text: `0/3 nodes are available: 3 Insufficient cpu.` */
  message: string;
}

export interface SchedulingResult {
  placements: Placement[];
  failures: SchedulingFailure[];
  /** Pods not looked at because `maxPlacements` was reached (next pass). */
  deferred: Pod[];
}

export interface ScheduleOptions {
  /** Stop placing after this many, so one pass's write stays bounded; the rest are `deferred`. */
  maxPlacements?: number;
}

const isFinished = (pod: Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/** Waiting for a node: none assigned, not being deleted, not finished. */
export function needsScheduling(pod: Pod): boolean {
  return !pod.spec.nodeName && pod.metadata.deletionTimestamp === undefined && !isFinished(pod);
}

/** Holds resources on its node: assigned and not finished (a pod being deleted still holds them). */
export function occupiesNode(pod: Pod): boolean {
  return !!pod.spec.nodeName && !isFinished(pod);
}

function timeOf(pod: Pod): number {
  const t = Date.parse(pod.metadata.creationTimestamp ?? '');
  return Number.isNaN(t) ? 0 : t;
}

function orderKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
}

/**
 * Splits a pod list into the pods to place, oldest first (creationTimestamp, then namespace and name), and
 * the pods holding node resources.
 */
export function partitionPods(pods: readonly Pod[]): { pending: Pod[]; assigned: Pod[] } {
  const waiting: { pod: Pod; time: number; key: string }[] = [];
  const assigned: Pod[] = [];
  for (const pod of pods) {
    if (needsScheduling(pod)) waiting.push({ pod, time: timeOf(pod), key: orderKey(pod) });
    else if (occupiesNode(pod)) assigned.push(pod);
  }
  // Keys computed once per pod, not once per comparison: this runs on every pass over thousands of pods.
  waiting.sort((a, b) => a.time - b.time || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { pending: waiting.map((w) => w.pod), assigned };
}

/** Node-only filter results for one pod shape: the nodes that pass, and each other node's reason. */
interface StaticFit {
  feasible: Int32Array;
  reasons: (string | undefined)[];
}

function staticReason(pod: Pod, node: Node, table: NodeTable, i: number): string | undefined {
  const tolerations = pod.spec.tolerations;
  if (refusedAsUnschedulable(node, tolerations)) return REASON.unschedulable;
  const taint = firstUntoleratedTaint(table.taints[i] ?? [], tolerations);
  if (taint) return untoleratedTaintReason(taint);
  if (!matchesNodeSelectorAndAffinity(pod.spec, node)) return REASON.nodeAffinity;
  return undefined;
}

function shapeKey(pod: Pod): string {
  const s = pod.spec;
  if (!s.nodeSelector && !s.affinity?.nodeAffinity && !s.tolerations) return '';
  return JSON.stringify([
    s.nodeSelector ?? null,
    s.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? null,
    s.tolerations ?? null,
  ]);
}

/** NodeResourcesFit's reasons on node `i`, in its order (pods, cpu, memory); empty when the pod fits. */
function resourceReasons(table: NodeTable, i: number, req: PodRequests): string[] {
  const reasons: string[] = [];
  if ((table.podCount[i] as number) + 1 > (table.allocPods[i] as number)) reasons.push(REASON.tooManyPods);
  // Like kube-scheduler, an amount the pod does not request is not checked (a node may be overcommitted).
  if (
    req.milliCpu > 0 &&
    req.milliCpu > (table.allocMilliCpu[i] as number) - (table.reqMilliCpu[i] as number)
  ) {
    reasons.push(REASON.insufficientCpu);
  }
  if (req.memory > 0 && req.memory > (table.allocMemory[i] as number) - (table.reqMemory[i] as number)) {
    reasons.push(REASON.insufficientMemory);
  }
  return reasons;
}

/** The changing filters on node `i` in kube-scheduler's order; reasons of the first that fails. */
function dynamicReasons(
  table: NodeTable,
  i: number,
  req: PodRequests,
  ports: readonly HostPort[],
  rules: InterPodRules | undefined,
): string[] {
  if (ports.length > 0 && table.portsConflict(i, ports)) return [REASON.hostPorts];
  const resources = resourceReasons(table, i, req);
  if (resources.length > 0) return resources;
  const refusal = rules && interPodRefusal(rules, table.nodes[i] as Node);
  return refusal ? [REASON[refusal]] : [];
}

export function schedulePods(
  pending: readonly Pod[],
  nodes: readonly Node[],
  assigned: readonly Pod[],
  opts: ScheduleOptions = {},
): SchedulingResult {
  const table = new NodeTable(nodes, assigned);
  const nodeCount = table.nodes.length;
  const result: SchedulingResult = { placements: [], failures: [], deferred: [] };
  const maxPlacements = opts.maxPlacements ?? Number.POSITIVE_INFINITY;

  const fits = new Map<string, StaticFit>();
  const staticFit = (pod: Pod): StaticFit => {
    const key = shapeKey(pod);
    let fit = fits.get(key);
    if (!fit) {
      const reasons = table.nodes.map((node, i) => staticReason(pod, node, table, i));
      const feasible = new Int32Array(reasons.filter((r) => r === undefined).length);
      let k = 0;
      reasons.forEach((r, i) => {
        if (r === undefined) feasible[k++] = i;
      });
      fit = { feasible, reasons };
      fits.set(key, fit);
    }
    return fit;
  };

  const imageScores = new Map<string, Float64Array>();
  const anyImages = table.nodes.some((_, i) => table.imagesOf(i) !== undefined);
  const imageScoresFor = (pod: Pod): Float64Array | undefined => {
    if (!anyImages) return undefined;
    const images = pod.spec.containers.map((c) => c.image);
    const key = images.join('\n');
    let scores = imageScores.get(key);
    if (!scores) {
      scores = new Float64Array(nodeCount);
      for (let i = 0; i < nodeCount; i++) {
        const have = table.imagesOf(i);
        scores[i] = have ? imageLocalityScore(images, have) : 0;
      }
      imageScores.set(key, scores);
    }
    return scores;
  };

  // Identical pods fail identically until something is placed: remember the message meanwhile.
  const failedShapes = new Map<string, string>();
  const failureKey = (pod: Pod, req: PodRequests, ports: readonly HostPort[]) =>
    JSON.stringify([
      shapeKey(pod),
      req.milliCpu,
      req.memory,
      ports,
      pod.spec.affinity?.podAffinity ?? null,
      pod.spec.affinity?.podAntiAffinity ?? null,
      pod.metadata.namespace ?? null,
      pod.metadata.labels ?? null,
    ]);

  const candidates = new Int32Array(nodeCount);
  const baseScores = new Float64Array(nodeCount);

  for (const [p, pod] of pending.entries()) {
    if (result.placements.length >= maxPlacements) {
      result.deferred.push(...pending.slice(p));
      break;
    }
    const { requests, nonZero } = podResources(pod);
    const ports = hostPortsOf(pod);
    let memoKey: string | undefined;
    if (failedShapes.size > 0) {
      memoKey = failureKey(pod, requests, ports);
      const known = failedShapes.get(memoKey);
      if (known !== undefined) {
        result.failures.push({ pod, message: known });
        continue;
      }
    }
    const fit = staticFit(pod);
    const rules = interPodRules(pod, table.topology);
    const owner = controllerRef(pod)?.uid;
    const ownerCounts = owner === undefined ? undefined : table.ownerCounts.get(owner);
    const images = imageScoresFor(pod);

    // The hot loop (nodes × pods): plain indexed reads of the table's arrays, held in locals.
    const { podCount, allocPods, allocMilliCpu, reqMilliCpu, allocMemory, reqMemory, nzMilliCpu, nzMemory } =
      table;
    const feasible = fit.feasible;
    const wantCpu = requests.milliCpu;
    const wantMemory = requests.memory;
    let n = 0;
    let maxOwnerCount = 0;
    for (let k = 0; k < feasible.length; k++) {
      const i = feasible[k] as number;
      if ((podCount[i] as number) + 1 > (allocPods[i] as number)) continue;
      const cpu = allocMilliCpu[i] as number;
      if (wantCpu > 0 && wantCpu > cpu - (reqMilliCpu[i] as number)) continue;
      const memory = allocMemory[i] as number;
      if (wantMemory > 0 && wantMemory > memory - (reqMemory[i] as number)) continue;
      if (ports.length > 0 && table.portsConflict(i, ports)) continue;
      if (rules && interPodRefusal(rules, table.nodes[i] as Node) !== undefined) continue;
      candidates[n] = i;
      baseScores[n] =
        SCORE_WEIGHTS.leastAllocated *
          leastAllocatedScore(
            cpu,
            (nzMilliCpu[i] as number) + nonZero.milliCpu,
            memory,
            (nzMemory[i] as number) + nonZero.memory,
          ) +
        (images ? SCORE_WEIGHTS.imageLocality * (images[i] as number) : 0);
      if (ownerCounts && (ownerCounts[i] as number) > maxOwnerCount) maxOwnerCount = ownerCounts[i] as number;
      n++;
    }

    if (n === 0) {
      const reasons = table.nodes.map(
        (_, i) => fit.reasons[i] ?? dynamicReasons(table, i, requests, ports, rules),
      );
      const message = fitErrorMessage(
        nodeCount,
        reasons.map((r) => (typeof r === 'string' ? [r] : r)),
      );
      result.failures.push({ pod, message });
      failedShapes.set(memoKey ?? failureKey(pod, requests, ports), message);
      continue;
    }

    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < n; k++) {
      const i = candidates[k] as number;
      const spread = ownerSpreadScore(ownerCounts ? (ownerCounts[i] as number) : 0, maxOwnerCount);
      const score = (baseScores[k] as number) + SCORE_WEIGHTS.ownerSpread * spread;
      // Candidates come in node-name order: strictly greater keeps the first name on a tie.
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    table.place(pod, best);
    failedShapes.clear();
    result.placements.push({ pod, nodeName: (table.nodes[best] as Node).metadata.name });
  }
  return result;
}
