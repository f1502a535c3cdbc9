// Child process of test/integration/storeKill9.test.ts: saves 4 MB chunks through AtomicFsStorageAdapter
// in a loop until it is killed, overwriting three keys in turn. Each chunk is filled with one byte value,
// so a reader can tell a complete chunk from a torn one. Prints READY before the first save.
// Usage: node --import tsx test/support/chunkWriter.ts <dir>
import { AtomicFsStorageAdapter } from '../../shared/store/AtomicFsStorageAdapter.ts';

const CHUNK_BYTES = 4_000_000;

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: chunkWriter.ts <dir>\n');
  process.exit(2);
}
const adapter = await AtomicFsStorageAdapter.open(dir);
process.stdout.write('READY\n');
for (let i = 0; ; i++) {
  await adapter.save(['AAAAAA', 'snapshot', `s${i % 3}`], new Uint8Array(CHUNK_BYTES).fill(i % 251));
}
