// `status.images`: the images the engine holds, as the kubelet lists them, so the scheduler can prefer
// nodes that already have a pod's image. Largest first, at most 50 (the kubelet's nodeStatusMaxImages)
// with at most 5 names each (its MaxNamesPerImageInNodeStatus), digests before tags as the kubelet puts
// them. The kubelet calls `readNodeImages` again after a pull, so a new image shows without waiting.
import { z } from 'zod';
import type { Node } from '../../shared/model/types.ts';
import { describeEngineIssue, type NodeEngine, withTimeout } from './engine.ts';

export type NodeImage = NonNullable<NonNullable<Node['status']>['images']>[number];

export const MAX_NODE_IMAGES = 50;
export const MAX_NAMES_PER_IMAGE = 5;

const engineImagesSchema = z.array(
  z.object({
    RepoTags: z.array(z.string()).nullish(),
    RepoDigests: z.array(z.string()).nullish(),
    Size: z.number().int().nonnegative(),
    Created: z.number().optional(),
  }),
);
export type EngineImage = z.infer<typeof engineImagesSchema>[number];

/** Docker's placeholders for an untagged image are no names at all. */
function realNames(names: readonly string[] | null | undefined): string[] {
  return (names ?? []).filter((n) => n !== '<none>:<none>' && n !== '<none>@<none>');
}

/** Pure: the engine's list as Node status images. Images without a name cannot be asked for and are left out. */
export function nodeImagesFrom(images: readonly EngineImage[]): NodeImage[] {
  return images
    .map((image) => ({
      names: [...realNames(image.RepoDigests), ...realNames(image.RepoTags)].slice(0, MAX_NAMES_PER_IMAGE),
      sizeBytes: image.Size,
      created: image.Created ?? 0,
    }))
    .filter((image) => image.names.length > 0)
    .sort((a, b) => b.sizeBytes - a.sizeBytes || b.created - a.created)
    .slice(0, MAX_NODE_IMAGES)
    .map(({ names, sizeBytes }) => ({ names, sizeBytes }));
}

export async function readNodeImages(engine: NodeEngine, timeoutMs?: number): Promise<NodeImage[]> {
  const answer = await withTimeout(engine.listImages({ digests: true }), 'docker image list', timeoutMs);
  const parsed = engineImagesSchema.safeParse(answer);
  if (!parsed.success) throw describeEngineIssue('unexpected answer from docker image list', parsed.error);
  return nodeImagesFrom(parsed.data);
}
