// How the scheduler ranks the nodes that pass every filter. Each score is 0..100 (kube-scheduler's
// MaxNodeScore); a node's total is the weighted sum, and the highest total wins, ties going to the node
// whose name sorts first, so a placement is a function of the cluster alone.
//
// Weights, as kube-scheduler's default profile weighs the plugins these stand for:
// - leastAllocated 1 (NodeResourcesFit, LeastAllocated strategy): room left for cpu and memory after the pod,
//   averaged; pods without requests count as 100m / 200Mi so they spread too.
// - ownerSpread 2 (PodTopologySpread's default, hostname-level spreading of one controller's pods, as the
//   older SelectorSpread scored it): fewer pods of the same controller (ownerReference uid) scores higher.
// - imageLocality 1 (ImageLocality): the share of the pod's containers whose image the node already has
//   (Kubernetes weighs it by image size; Shoal's nodes report sizes but a share keeps one large image from
//   outweighing spreading).

export const SCORE_WEIGHTS = { leastAllocated: 1, ownerSpread: 2, imageLocality: 1 } as const;

export const MAX_NODE_SCORE = 100;

/** LeastAllocated for one resource: (allocatable - requested) * 100 / allocatable, in integers like Go. */
function leastAllocated(allocatable: number, requested: number): number {
  if (allocatable <= 0 || requested > allocatable) return 0;
  return Math.floor(((allocatable - requested) * MAX_NODE_SCORE) / allocatable);
}

/** cpu and memory, equally weighted; `requested` already includes the pod being placed. */
export function leastAllocatedScore(
  allocMilliCpu: number,
  requestedMilliCpu: number,
  allocMemory: number,
  requestedMemory: number,
): number {
  return Math.floor(
    (leastAllocated(allocMilliCpu, requestedMilliCpu) + leastAllocated(allocMemory, requestedMemory)) / 2,
  );
}

/** SelectorSpread's normalisation: 100 on nodes with none of the owner's pods, 0 on the fullest. */
export function ownerSpreadScore(countOnNode: number, maxCountOnFeasibleNodes: number): number {
  if (maxCountOnFeasibleNodes <= 0) return MAX_NODE_SCORE;
  return Math.floor((MAX_NODE_SCORE * (maxCountOnFeasibleNodes - countOnNode)) / maxCountOnFeasibleNodes);
}

/**
 * An image reference in the form nodes report it: a Docker Hub image without registry gets `docker.io/`
 * and `library/` dropped, and an untagged one gets `:latest`, so `nginx`, `nginx:latest` and
 * `docker.io/library/nginx:latest` are one image.
 */
export function normalizeImageName(image: string): string {
  let name = image;
  if (name.startsWith('docker.io/')) name = name.slice('docker.io/'.length);
  if (name.startsWith('library/')) name = name.slice('library/'.length);
  const lastSlash = name.lastIndexOf('/');
  const hasTagOrDigest = name.includes('@') || name.slice(lastSlash + 1).includes(':');
  return hasTagOrDigest ? name : `${name}:latest`;
}

/** The share (0..100) of `images` that the node has; `nodeImages` holds normalized names. */
export function imageLocalityScore(images: readonly string[], nodeImages: ReadonlySet<string>): number {
  if (images.length === 0) return 0;
  let present = 0;
  for (const image of images) if (nodeImages.has(normalizeImageName(image))) present++;
  return Math.floor((present * MAX_NODE_SCORE) / images.length);
}
