// Gathers everything buildNode reports, on each refresh of the agent's Node: the OS facts, the engine's
// version, root file system and images, and available memory. A part that cannot be read is left unset
// (buildNode reports it as unknown) and named through `onProblem`; the rest is still reported, so an agent
// whose engine is away still keeps its Node true.
import { type EngineInfo, type NodeEngine, readEngineInfo } from './engine.ts';
import { type NodeImage, readNodeImages } from './images.ts';
import { readFsStats, readMemoryAvailable } from './machineStats.ts';
import { type MachineFacts, readMachineFacts } from './nodeInfo.ts';
import type { FsStats } from './pressure.ts';

export interface GatherOptions {
  /** The engine (a dockerode instance); without it the Node has no images and DiskPressure is Unknown. */
  engine?: NodeEngine;
  /** Reported once per refresh that failed to read a part: what and why. */
  onProblem?: (what: string, err: unknown) => void;
  now?: () => number;
  engineTimeoutMs?: number;
}

export async function gatherNodeFacts(shoalVersion: string, opts: GatherOptions = {}): Promise<MachineFacts> {
  const problem = (what: string) => (err: unknown) => {
    opts.onProblem?.(what, err);
    return undefined;
  };
  const { engine } = opts;
  const [info, images, memoryAvailableBytes] = await Promise.all([
    engine
      ? readEngineInfo(engine, opts.engineTimeoutMs).catch(problem('engine info'))
      : Promise.resolve<EngineInfo | undefined>(undefined),
    engine
      ? readNodeImages(engine, opts.engineTimeoutMs).catch(problem('engine images'))
      : Promise.resolve<NodeImage[] | undefined>(undefined),
    readMemoryAvailable().catch(problem('available memory')),
  ]);
  const rootDir = info?.rootDir;
  const rootFs: FsStats | undefined = rootDir
    ? await readFsStats(rootDir).catch(problem(`file system of ${rootDir}`))
    : undefined;
  return {
    ...readMachineFacts(shoalVersion, info?.version),
    measuredAt: (opts.now ?? Date.now)(),
    memoryAvailableBytes,
    rootFs,
    images,
  };
}
