// Term and vote in a small JSON file, replaced atomically: write a temporary file next to it, fsync it,
// rename it over the old one, fsync the directory. A crash at any moment leaves either the old state or the
// new one, never a torn file, and once save() resolves the new state survives power loss. That is what lets
// a restarted voter keep its promise not to vote twice in a term.
import { promises as fs } from 'node:fs';
import { removeLeftoverTemporaryFiles, writeFileAtomic } from '../../shared/files/atomicFile.ts';
import type { ElectionPersistence } from './ElectionDriver.ts';
import type { PersistedElectionState } from './electionEffects.ts';

interface ElectionStateFile {
  term: number;
  votedFor: string | null;
}

export function fileElectionPersistence(filePath: string): ElectionPersistence {
  return {
    async load(): Promise<PersistedElectionState> {
      await removeLeftoverTemporaryFiles(filePath);
      let text: string;
      try {
        text = await fs.readFile(filePath, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { term: 0, votedFor: undefined };
        throw error;
      }
      return parseStateFile(filePath, text);
    },

    async save(term: number, votedFor: string | undefined): Promise<void> {
      const contents: ElectionStateFile = { term, votedFor: votedFor ?? null };
      await writeFileAtomic(filePath, `${JSON.stringify(contents)}\n`, { mode: 0o600 });
    },
  };
}

/**
 * A damaged file is an error, not a fresh start: starting again from term 0 with no vote would let this node
 * vote a second time in a term it already voted in.
 */
function parseStateFile(filePath: string, text: string): PersistedElectionState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${filePath}: election state is not valid JSON`);
  }
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const { term, votedFor } = record;
  if (typeof term !== 'number' || !Number.isSafeInteger(term) || term < 0) {
    throw new Error(`${filePath}: election state has no valid term`);
  }
  if (votedFor !== null && (typeof votedFor !== 'string' || votedFor === '')) {
    throw new Error(`${filePath}: election state has an invalid votedFor`);
  }
  return { term, votedFor: votedFor ?? undefined };
}
