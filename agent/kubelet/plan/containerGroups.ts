// Sorting one pod's containers on the engine into, for each pod container, the run that counts, the run
// before it, and the leftovers to clean up.
//
// The engine may hold several runs of one pod container: restarts leave the dead one behind, and a crash of
// the agent between two steps can leave a stray. Exactly one run counts; if any run is alive, the newest live
// one does, so the kubelet never starts a second live copy beside it.

import type { ContainerRole, LabelledContainer } from './labels.ts';
import { runState } from './runState.ts';

export interface ContainerGroup {
  role: ContainerRole;
  containerName: string;
  /** The run that counts. */
  current?: LabelledContainer;
  /** The newest finished run other than `current`, kept for lastState and previous logs. */
  previous?: LabelledContainer;
  /** Other runs: live ones must be stopped, the rest removed. */
  extras: LabelledContainer[];
  /** The highest attempt seen (removing containers included), so a new run never reuses an engine name. */
  maxAttempt: number;
}

export function groupKey(role: ContainerRole, containerName: string): string {
  return `${role}/${containerName}`;
}

/** Groups by role and container name; containers being removed are left out, as if already gone. */
export function groupContainers(observed: readonly LabelledContainer[]): Map<string, ContainerGroup> {
  const groups = new Map<string, ContainerGroup>();
  const runs = new Map<string, LabelledContainer[]>();
  for (const c of observed) {
    const key = groupKey(c.identity.role, c.identity.containerName);
    const group = groups.get(key);
    // A container being removed still holds its engine name: count its attempt, ignore it otherwise.
    if (group) group.maxAttempt = Math.max(group.maxAttempt, c.identity.attempt);
    else {
      const { role, containerName, attempt } = c.identity;
      groups.set(key, { role, containerName, extras: [], maxAttempt: attempt });
    }
    if (runState(c.container) === 'gone') continue;
    const list = runs.get(key);
    if (list) list.push(c);
    else runs.set(key, [c]);
  }
  for (const [key, list] of runs) {
    const group = groups.get(key)!;
    // Newest first; equal attempts (a stray) by engine id so the choice is stable between syncs.
    list.sort(
      (a, b) => b.identity.attempt - a.identity.attempt || a.container.id.localeCompare(b.container.id),
    );
    const current = list.find((c) => runState(c.container) === 'running') ?? list[0];
    const previous = list.find((c) => c !== current && runState(c.container) === 'exited');
    if (current) group.current = current;
    if (previous) group.previous = previous;
    group.extras = list.filter((c) => c !== current && c !== previous);
  }
  return groups;
}

/** Every run in a group, current first. */
export function runsOf(group: ContainerGroup): LabelledContainer[] {
  return [
    ...(group.current ? [group.current] : []),
    ...(group.previous ? [group.previous] : []),
    ...group.extras,
  ];
}
