// Generated pod names, as the API server makes them from `generateName: <base>-` (Kubernetes'
// SimpleNameGenerator), checked against the snapshot so a plan does not clash with a pod that exists.
// (Shared by the ReplicaSet, Job and DaemonSet controllers.)

import type { ControllerContext } from './controllerTypes.ts';

/** The base is cut so that base and suffix stay a valid 63-character label value. */
const MAX_GENERATED_BASE = 58;
const SUFFIX_LENGTH = 5;
/** A clash after this many draws is left to the create, which then fails and is retried. */
const MAX_DRAWS = 20;

/** `<base>-<suffix>`. */
export function generatedPodName(base: string, suffix: string): string {
  return `${`${base}-`.slice(0, MAX_GENERATED_BASE)}${suffix}`;
}

/** A function giving fresh names in `namespace`: taken by no pod, and never twice. */
export function podNamer(ctx: ControllerContext, namespace: string, base: string): () => string {
  const given = new Set<string>();
  return () => {
    let name = generatedPodName(base, ctx.randomSuffix(SUFFIX_LENGTH));
    for (let draw = 1; draw < MAX_DRAWS; draw++) {
      if (!given.has(name) && ctx.view.get('Pod', namespace, name) === undefined) break;
      name = generatedPodName(base, ctx.randomSuffix(SUFFIX_LENGTH));
    }
    given.add(name);
    return name;
  };
}
