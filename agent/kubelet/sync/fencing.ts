// Fencing of assignments (DESIGN.md): the leader stamps its term on the pods it assigns; a kubelet refuses a
// new assignment stamped with a lower term than the highest it has seen, because that write may come from a
// deposed leader that woke up still believing. A CRDT cannot give mutual exclusion; the term can.
//
// Only a NEW assignment is judged: a pod this kubelet already runs (it has containers, or a status this node
// wrote) stays accepted when later terms come, or every election would stop every workload. A pod assigned
// by hand (`spec.nodeName` in the manifest, no stamp) is the user's own decision and is accepted.

import type { Pod } from '../../../shared/model/types.ts';

export const ASSIGNED_TERM_ANNOTATION = 'shoal.dev/assigned-term';

export type AssignmentVerdict = { accepted: true } | { accepted: false; message: string };

/** The term a pod's assignment carries, or undefined when it has none (or a malformed one). */
export function assignedTerm(pod: Pod): number | undefined {
  const text = pod.metadata.annotations?.[ASSIGNED_TERM_ANNOTATION];
  if (text === undefined || !/^(0|[1-9][0-9]{0,15})$/.test(text)) return undefined;
  return Number(text);
}

export function judgeAssignment(
  pod: Pod,
  highestTerm: number,
  alreadyRunning: boolean,
  hostIP: string | undefined,
): AssignmentVerdict {
  if (alreadyRunning) return { accepted: true };
  // A status with this node's host IP and a start time was written by this kubelet: accepted before.
  if (pod.status?.startTime !== undefined && hostIP !== undefined && pod.status.hostIP === hostIP) {
    return { accepted: true };
  }
  const term = assignedTerm(pod);
  if (term === undefined || term >= highestTerm) return { accepted: true };
  return {
    accepted: false,
    message: `assignment stamped with leader term ${term}, but this node has seen term ${highestTerm}: refused as possibly from a deposed leader`,
  };
}
