// Child process of test/integration/storeKill9.test.ts: opens the store in a data directory and writes
// until it is killed. Prints `READY` once open, then one line per write whose promise resolved:
//   C <namespace/name> <payload length> <payload sha256 prefix>   a pod was created
//   S <namespace/name> <seq>                                       its status now says seq=<seq>
// Pods carry a random (incompressible) container argument, sometimes large, so snapshots are large too.
// Usage: node --import tsx test/support/storeWriter.ts <dataDir> <round>
import { createHash, randomBytes } from 'node:crypto';
import type { KubeObject } from '../../shared/model/meta.ts';
import { admitObject } from '../../shared/model/validate.ts';
import { openClusterDocument } from '../../shared/store/openClusterDocument.ts';
import { LOCAL_DOCUMENT } from './localDocument.ts';

const [dataDir, roundText] = process.argv.slice(2);
if (!dataDir || !roundText) {
  process.stderr.write('usage: storeWriter.ts <dataDir> <round>\n');
  process.exit(2);
}
const round = Number(roundText);
const MAX_BIG_PER_ROUND = 2;

function payloadHash(payload: string): string {
  return createHash('sha256').update(payload).digest('hex').slice(0, 16);
}

function podWithPayload(name: string, payload: string): KubeObject {
  const result = admitObject({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { round: String(round) } },
    spec: { containers: [{ name: 'main', image: 'busybox:1.36', args: [payload] }] },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.object;
}

function ack(line: string): void {
  // stdout to a pipe is synchronous on Linux: once written, the parent gets the line even if we die next.
  process.stdout.write(`${line}\n`);
}

const { store } = await openClusterDocument(dataDir, LOCAL_DOCUMENT);
const pods = store.list('Pod', { namespace: 'default' }).map((p) => p.metadata.name);
let counter = 0;
let bigWritten = 0;
ack('READY');

for (;;) {
  const writes: Promise<void>[] = [];
  const perTick = 1 + Math.floor(Math.random() * 6);
  for (let k = 0; k < perTick; k++) {
    counter++;
    if (pods.length === 0 || Math.random() < 0.5) {
      const big = bigWritten < MAX_BIG_PER_ROUND && Math.random() < 0.08;
      if (big) bigWritten++;
      const bytes = big ? 40_000 + Math.floor(Math.random() * 100_000) : Math.floor(Math.random() * 1_500);
      const payload = randomBytes(bytes).toString('base64');
      const name = `r${round}-${counter}`;
      writes.push(
        store.create(podWithPayload(name, payload)).then(() => {
          pods.push(name);
          ack(`C default/${name} ${payload.length} ${payloadHash(payload)}`);
        }),
      );
    } else {
      const name = pods[Math.floor(Math.random() * pods.length)] as string;
      const seq = round * 1_000_000 + counter;
      writes.push(
        store.updateStatus('Pod', 'default', name, { phase: 'Running', message: `seq=${seq}` }).then(() => {
          ack(`S default/${name} ${seq}`);
        }),
      );
    }
  }
  await Promise.all(writes);
}
