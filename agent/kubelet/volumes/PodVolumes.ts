// The host side of a pod's volumes: the directories the executor bind-mounts into the pod's containers.
//
//   <root>/<pod uid>/volumes/kubernetes.io~empty-dir/<volume>   emptyDir (0777: any container user writes)
//   <root>/<pod uid>/volumes/kubernetes.io~configmap/<volume>   configMap, written by AtomicWriter
//   <root>/<pod uid>/volumes/kubernetes.io~secret/<volume>      secret, written by AtomicWriter
//   hostPath                                                    the host's own path, after its type check
//
// The layout is the kubelet's, so it reads familiar to anyone who has looked in /var/lib/kubelet/pods.
// `<root>` is the agent's (`<data dir>/pods`), mode 0700: secrets live there, and the engine (root) binds
// the volume directories themselves, so no container needs to traverse the parents.
//
// `prepare` runs on every sync of a pod: it is idempotent and cheap when nothing changed (a mkdir that finds
// the directory, a stat, a hash and a readlink per volume); configMap and secret updates reach running
// containers through it. Operations on one pod are serialized, so a sync and a teardown never interleave.
// The subPaths the pod's containers mount are created and checked here too (subPath.ts).
//
// Memory: Kubernetes mounts a tmpfs per emptyDir `medium: Memory` and per secret volume. That needs mount
// privileges, and the mount must be shared by the pod's containers (the engine's tmpfs mounts are per
// container). Instead, given `memoryRoot` on a tmpfs the machine already has (`/dev/shm/...`), those volumes
// live there, with the same layout: in memory, never written to disk, gone at reboot. Without it they are
// on disk under `<root>`.
//
// Honest gaps, in Kubernetes' terms:
// - emptyDir `sizeLimit` is not enforced (Kubernetes evicts the pod when usage exceeds it, and sizes a
//   Memory tmpfs by it); memory volumes share the size of the tmpfs under `memoryRoot`.
// - `fsGroup` does not change the ownership of volume files.

import { type Dirent, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Pod } from '../../../shared/model/types.ts';
import { type ObjectReader, podNamespace, readSource } from '../env/sourceData.ts';
import { AtomicWriter } from './AtomicWriter.ts';
import { checkHostPath } from './hostPath.ts';
import { projectSource } from './projection.ts';
import { prepareSubPath } from './subPath.ts';

type Volume = NonNullable<Pod['spec']['volumes']>[number];

export interface VolumeFailure {
  volume: string;
  /** Kubernetes' words: `configmap "x" not found`, `hostPath type check failed: /x is not a directory`. */
  message: string;
}

export interface PreparedVolumes {
  /** Host path of every volume that is ready, by volume name (the planner's `volumePaths`). */
  paths: Record<string, string>;
  /** Volumes that are not; their containers stay ContainerCreating (the caller records FailedMount). */
  failures: VolumeFailure[];
}

export interface PodVolumesOptions {
  /** Where pod directories live: `<data dir>/pods`. */
  root: string;
  /** ConfigMaps and Secrets, read in the pod's namespace. */
  objects: ObjectReader;
  /**
   * A directory on a tmpfs (e.g. `/dev/shm/shoal-<node>`) for emptyDir `medium: Memory` and secret
   * volumes; unset: they are on disk under `root`.
   */
  memoryRoot?: string;
}

const ROOT_MODE = 0o700;
const EMPTY_DIR_MODE = 0o777;
/** Pod uids and volume names become path components: nothing that could climb out or hide. */
const UID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const VOLUME_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export class PodVolumes {
  readonly #root: string;
  readonly #memoryRoot: string | undefined;
  readonly #objects: ObjectReader;
  readonly #writer = new AtomicWriter();
  /** The last operation queued for each pod uid. */
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(options: PodVolumesOptions) {
    this.#root = path.resolve(options.root);
    this.#memoryRoot = options.memoryRoot === undefined ? undefined : path.resolve(options.memoryRoot);
    this.#objects = options.objects;
  }

  /** Makes every volume of the pod ready, as far as it can; rejects only when the pod has no usable uid. */
  async prepare(pod: Pod): Promise<PreparedVolumes> {
    const uid = checkedUid(pod.metadata.uid, `pod ${podNamespace(pod)}/${pod.metadata.name}`);
    return this.#serialized(uid, () => this.#prepare(uid, pod));
  }

  /** Removes everything of the pod under the roots (never a hostPath): once its containers are gone. */
  async remove(podUid: string): Promise<void> {
    const uid = checkedUid(podUid, 'pod');
    return this.#serialized(uid, async () => {
      for (const root of this.#roots()) {
        const dir = path.join(root, uid);
        await fs.rm(dir, { recursive: true, force: true });
        this.#writer.forget(dir);
      }
    });
  }

  /** The pod uids that have a directory under either root, for orphan clean-up. */
  async podUids(): Promise<string[]> {
    const uids = new Set<string>();
    for (const root of this.#roots()) {
      let entries: Dirent[];
      try {
        entries = await fs.readdir(root, { withFileTypes: true });
      } catch (err) {
        if (typeof err === 'object' && err !== null && 'code' in err && err.code === 'ENOENT') continue;
        throw err;
      }
      for (const e of entries) if (e.isDirectory() && UID.test(e.name)) uids.add(e.name);
    }
    return [...uids].sort();
  }

  #roots(): string[] {
    return this.#memoryRoot === undefined ? [this.#root] : [this.#root, this.#memoryRoot];
  }

  /** `<root>/<uid>/volumes/<plugin>/<name>`, in memory when asked for and possible. */
  async #volumeDir(uid: string, plugin: string, name: string, inMemory: boolean): Promise<string> {
    const root = inMemory && this.#memoryRoot !== undefined ? this.#memoryRoot : this.#root;
    await fs.mkdir(root, { recursive: true, mode: ROOT_MODE });
    return path.join(root, uid, 'volumes', plugin, name);
  }

  async #prepare(uid: string, pod: Pod): Promise<PreparedVolumes> {
    const result: PreparedVolumes = { paths: {}, failures: [] };
    const volumes = pod.spec.volumes ?? [];
    for (const volume of volumes) {
      try {
        const outcome = await this.#prepareOne(uid, pod, volume);
        if ('path' in outcome) result.paths[volume.name] = outcome.path;
        else result.failures.push({ volume: volume.name, message: outcome.message });
      } catch (err) {
        // A file system error on one volume must not hide the others.
        result.failures.push({
          volume: volume.name,
          message: err instanceof Error ? err.message : String(err),
        });
      }
    }
    await checkSubPaths(pod, result);
    return result;
  }

  async #prepareOne(uid: string, pod: Pod, volume: Volume): Promise<{ path: string } | { message: string }> {
    if (!VOLUME_NAME.test(volume.name) || volume.name.length > 63) {
      return { message: `invalid volume name "${volume.name}": must be a DNS-1123 label` };
    }
    if (volume.emptyDir) {
      const inMemory = volume.emptyDir.medium === 'Memory';
      const dir = await this.#volumeDir(uid, 'kubernetes.io~empty-dir', volume.name, inMemory);
      await makeEmptyDir(dir);
      return { path: dir };
    }
    if (volume.hostPath) {
      const message = await checkHostPath(volume.hostPath.path, volume.hostPath.type);
      return message === undefined ? { path: volume.hostPath.path } : { message };
    }
    if (volume.configMap) {
      const source = volume.configMap;
      const payload = readSource(this.#objects, 'ConfigMap', podNamespace(pod), source.name);
      const projected = projectSource('ConfigMap', source.name, source, payload);
      if (!projected.ok) return { message: projected.message };
      const dir = await this.#volumeDir(uid, 'kubernetes.io~configmap', volume.name, false);
      await this.#writer.write(dir, projected.files);
      return { path: dir };
    }
    if (volume.secret) {
      const source = volume.secret;
      const payload = readSource(this.#objects, 'Secret', podNamespace(pod), source.secretName);
      const projected = projectSource('Secret', source.secretName, source, payload);
      if (!projected.ok) return { message: projected.message };
      const dir = await this.#volumeDir(uid, 'kubernetes.io~secret', volume.name, true);
      await this.#writer.write(dir, projected.files);
      return { path: dir };
    }
    const named = Object.keys(volume).filter((k) => k !== 'name');
    return {
      message:
        named.length > 0
          ? `volume type ${named.join(', ')} is not supported (emptyDir, hostPath, configMap and secret are)`
          : 'volume has no type (emptyDir, hostPath, configMap or secret)',
    };
  }

  #serialized<T>(uid: string, op: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(uid) ?? Promise.resolve();
    const next = previous.then(op, op);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.#queues.set(uid, settled);
    void settled.then(() => {
      if (this.#queues.get(uid) === settled) this.#queues.delete(uid);
    });
    return next;
  }
}

/**
 * Each subPath a container mounts is created if missing and must resolve inside its volume (subPath.ts); a
 * volume with an unsafe subPath is not handed out at all, so no container binds it.
 */
async function checkSubPaths(pod: Pod, result: PreparedVolumes): Promise<void> {
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const m of c.volumeMounts ?? []) {
      const volumePath = result.paths[m.name];
      if (!m.subPath || volumePath === undefined) continue;
      let message: string | undefined;
      try {
        message = await prepareSubPath(volumePath, m.subPath);
      } catch (err) {
        message = `subPath ${m.subPath}: ${err instanceof Error ? err.message : String(err)}`;
      }
      if (message === undefined) continue;
      delete result.paths[m.name];
      result.failures.push({ volume: m.name, message });
    }
  }
}

/** Created 0777 (the umask would cut mkdir's mode), then left alone: a container may change it. */
async function makeEmptyDir(dir: string): Promise<void> {
  await fs.mkdir(path.dirname(dir), { recursive: true });
  try {
    await fs.mkdir(dir);
  } catch (err) {
    if (typeof err === 'object' && err !== null && 'code' in err && err.code === 'EEXIST') return;
    throw err;
  }
  await fs.chmod(dir, EMPTY_DIR_MODE);
}

function checkedUid(uid: string | undefined, what: string): string {
  if (uid === undefined || !UID.test(uid)) {
    throw new Error(
      `${what} has no usable uid (${JSON.stringify(uid)}): expected letters, digits, '.', '_', '-'`,
    );
  }
  return uid;
}
