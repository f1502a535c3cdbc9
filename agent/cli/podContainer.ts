// Which container `shoal logs` and `shoal exec` talk to when -c is not given, as kubectl chooses: the pod's
// `kubectl.kubernetes.io/default-container` annotation, else the only container, else the first one with a
// note on stderr naming the others.
import type { Pod } from '../../shared/model/types.ts';
import type { ApiClient } from './apiClient.ts';
import type { CliIo } from './io.ts';

export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/** The container to use, reading the pod (a missing pod fails here with the agent's NotFound). */
export async function chooseContainer(
  client: ApiClient,
  namespace: string,
  podName: string,
  requested: string | undefined,
  io: CliIo,
): Promise<string> {
  const pod = (await client.get('Pod', namespace, podName)) as Pod;
  if (requested !== undefined) return requested;
  const app = pod.spec.containers.map((c) => c.name);
  const init = (pod.spec.initContainers ?? []).map((c) => c.name);
  const annotated = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (annotated && (app.includes(annotated) || init.includes(annotated))) return annotated;
  const first = app[0] as string;
  if (app.length + init.length > 1) {
    const all = [...app, ...init.map((n) => `${n} (init)`)].join(', ');
    io.stderr.write(`Defaulted container "${first}" out of: ${all}\n`);
  }
  return first;
}
