// Events in the CLI: kubectl's `get events` table (sorted by last seen, NAMESPACE with -A, wide columns),
// the Events section that ends `describe pod` and `describe node`, and the real `shoal` executable against
// an API whose events come from an EventLog: get events (-A, -n, `ev`, -o json), --watch, describe.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiToken, writeApiInfo } from '../../agent/api/apiInfo.ts';
import { eventsApi } from '../../agent/api/eventsApi.ts';
import { type ApiServer, startApiServer } from '../../agent/api/server.ts';
import { describeObject } from '../../agent/cli/describe/index.ts';
import { sortEventsByLastSeen } from '../../agent/cli/tables/events.ts';
import { buildTable, renderTable } from '../../agent/cli/tables/index.ts';
import { EventLog } from '../../agent/events/EventLog.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';
import { REPO_ROOT, runShoal, SHOAL_BIN } from '../support/runShoal.ts';

process.env.TZ = 'UTC';

const NOW = new Date('2024-05-10T12:00:00Z');
const ago = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString().replace(/\.000Z$/, 'Z');
const ev = (name: string, o: Record<string, unknown>) =>
  ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web', fieldPath: 'spec.containers{web}' },
    type: 'Normal',
    source: { component: 'kubelet', host: 'node-a' },
    ...o,
  }) as KubeObject;

const started = ev('web.1', {
  reason: 'Started',
  message: 'Started container web',
  firstTimestamp: ago(600),
  lastTimestamp: ago(600),
  count: 1,
});
const backOff = ev('web.2', {
  type: 'Warning',
  reason: 'BackOff',
  message: 'Back-off restarting failed container web',
  firstTimestamp: ago(580),
  lastTimestamp: ago(20),
  count: 7,
});
const pulled = ev('web.3', {
  reason: 'Pulled',
  message: 'Container image "nginx:1.25" already present on machine',
  firstTimestamp: ago(590),
  lastTimestamp: ago(590),
});

describe('get events table', () => {
  it('prints kubectl columns, oldest first by last seen, NAMESPACE first with -A', () => {
    const sorted = sortEventsByLastSeen([backOff, started, pulled]);
    expect(sorted.map((e) => e.metadata.name)).toEqual(['web.1', 'web.3', 'web.2']);
    expect(renderTable(buildTable('Event', sorted, { withNamespace: true, now: NOW }))).toBe(
      [
        'NAMESPACE   LAST SEEN   TYPE      REASON    OBJECT    MESSAGE',
        'default     10m         Normal    Started   pod/web   Started container web',
        'default     9m50s       Normal    Pulled    pod/web   Container image "nginx:1.25" already present on machine',
        'default     20s         Warning   BackOff   pod/web   Back-off restarting failed container web',
        '',
      ].join('\n'),
    );
  });

  it('-o wide adds SUBOBJECT, SOURCE, FIRST SEEN, COUNT and NAME', () => {
    const table = buildTable('Event', [backOff], { wide: true, now: NOW });
    expect(table.headers).toEqual([
      'LAST SEEN',
      'TYPE',
      'REASON',
      'OBJECT',
      'SUBOBJECT',
      'SOURCE',
      'MESSAGE',
      'FIRST SEEN',
      'COUNT',
      'NAME',
    ]);
    expect(table.rows[0]).toEqual([
      '20s',
      'Warning',
      'BackOff',
      'pod/web',
      'spec.containers{web}',
      'kubelet, node-a',
      'Back-off restarting failed container web',
      '9m40s',
      '7',
      'web.2',
    ]);
  });
});

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(700) },
  spec: { nodeName: 'node-a', containers: [{ name: 'web', image: 'nginx:1.25' }] },
} as KubeObject;
const node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-a', creationTimestamp: ago(7000) },
  status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] },
} as KubeObject;

describe('describe', () => {
  it('ends describe pod with kubectl Events table, oldest first, repeats as "(xN over ...)"', () => {
    const text = describeObject(pod, { now: NOW, events: [backOff, started, pulled] });
    const tail = text.slice(text.indexOf('Events:')).split('\n');
    expect(tail).toEqual([
      'Events:',
      '  Type     Reason   Age                  From     Message',
      '  ----     ------   ----                 ----     -------',
      '  Normal   Started  10m                  kubelet  Started container web',
      '  Normal   Pulled   9m50s                kubelet  Container image "nginx:1.25" already present on machine',
      '  Warning  BackOff  20s (x7 over 9m40s)  kubelet  Back-off restarting failed container web',
      '',
    ]);
  });

  it('prints "Events: <none>" for a pod or node without events, and nothing when they could not be fetched', () => {
    expect(describeObject(pod, { now: NOW, events: [] })).toMatch(/\nEvents:\s+<none>\n$/);
    expect(describeObject(node, { now: NOW, events: [] })).toMatch(/\nEvents:\s+<none>\n$/);
    expect(describeObject(node, { now: NOW })).not.toContain('Events:');
    const nodeEvent = ev('node-a.1', {
      involvedObject: { kind: 'Node', name: 'node-a' },
      reason: 'FailedMount',
      type: 'Warning',
      message: 'no space left',
      firstTimestamp: ago(5),
      lastTimestamp: ago(5),
    });
    expect(describeObject(node, { now: NOW, events: [nodeEvent] })).toMatch(
      /\nEvents:\n {2}Type +Reason +Age +From +Message\n.*\n {2}Warning +FailedMount +5s +kubelet +no space left\n$/,
    );
  });
});

describe('the shoal executable', () => {
  let server: ApiServer;
  let store: MemoryClusterStore;
  let log: EventLog;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  // Set while the events are recorded, in the past; then the log follows the real clock. Ages of 10 min and
  // more print as whole minutes, so the setup's few seconds do not show.
  const clock: { t: number | undefined } = { t: Date.now() - 40 * 60_000 };
  const shoal = (args: string[]) => runShoal(args, { env });
  const lines = (text: string) => text.trim().split('\n');

  beforeAll(async () => {
    const logger = pino({ level: 'silent' });
    const token = generateApiToken();
    store = new MemoryClusterStore();
    log = new EventLog({ node: 'node-a', logger, now: () => clock.t ?? Date.now() });
    server = await startApiServer({
      store,
      token,
      logger,
      status: () => {
        throw new Error('not used');
      },
      extensions: [eventsApi({ log, logger })],
    });
    dataDir = await mkdtemp(join(tmpdir(), 'shoal-cli-events-'));
    await writeApiInfo(dataDir, { url: server.url, token, pid: process.pid });
    env = { SHOAL_DATA_DIR: dataDir };
    await store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' } });
    await store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { nodeName: 'node-a', containers: [{ name: 'web', image: 'nginx:1.25' }] },
    });
    const web = { kind: 'Pod', namespace: 'shop', name: 'web', fieldPath: 'spec.containers{web}' };
    log.record({
      involvedObject: web,
      type: 'Normal',
      reason: 'Pulling',
      message: 'Pulling image "nginx:1.25"',
    });
    clock.t = (clock.t ?? 0) + 10 * 60_000;
    log.record({ involvedObject: web, type: 'Warning', reason: 'BackOff', message: 'Back-off restarting' });
    clock.t = (clock.t ?? 0) + 10 * 60_000;
    log.record({
      involvedObject: { kind: 'Node', name: 'node-a' },
      type: 'Normal',
      reason: 'Starting',
      message: 'Starting kubelet.',
    });
    clock.t = (clock.t ?? 0) + 10 * 60_000;
    clock.t = (clock.t ?? 0) - 5 * 60_000;
    log.record({ involvedObject: web, type: 'Warning', reason: 'BackOff', message: 'Back-off restarting' });
    clock.t = undefined;
  });

  afterAll(async () => {
    await server.close();
    await log.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('get events -A: every namespace, sorted by last seen', async () => {
    const r = await shoal(['get', 'events', '-A']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([
      expect.stringMatching(/^NAMESPACE +LAST SEEN +TYPE +REASON +OBJECT +MESSAGE$/),
      expect.stringMatching(/^shop +40m +Normal +Pulling +pod\/web +Pulling image "nginx:1.25"$/),
      expect.stringMatching(/^default +20m +Normal +Starting +node\/node-a +Starting kubelet\.$/),
      expect.stringMatching(/^shop +15m +Warning +BackOff +pod\/web +Back-off restarting$/),
    ]);
  });

  it('get ev -n shop, -o json and a field selector; an empty namespace says so', async () => {
    const shop = await shoal(['get', 'ev', '-n', 'shop', '--field-selector', 'type=Warning']);
    expect(lines(shop.stdout)).toEqual([
      expect.stringMatching(/^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE$/),
      expect.stringMatching(/^15m +Warning +BackOff +pod\/web +Back-off restarting$/),
    ]);
    const json = await shoal(['get', 'events', '-n', 'shop', '-o', 'json']);
    const list = JSON.parse(json.stdout) as { kind: string; items: { reason: string; count: number }[] };
    expect(list.kind).toBe('List');
    expect(list.items.map((e) => `${e.reason} ${e.count}`)).toEqual(['Pulling 1', 'BackOff 2']);
    const none = await shoal(['get', 'events', '-n', 'empty']);
    expect(none.stderr).toBe('No resources found in empty namespace.\n');
  });

  it('get events --watch: the table, then a row per new or repeated event', async () => {
    const child = spawn(process.execPath, [SHOAL_BIN, 'get', 'events', '-n', 'shop', '--watch'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const waitFor = async (text: string) => {
      const deadline = Date.now() + 15_000;
      while (!stdout.includes(text)) {
        if (Date.now() > deadline) throw new Error(`no "${text}" in:\n${stdout}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await waitFor('BackOff');
      expect(lines(stdout)).toHaveLength(3);
      const api = { kind: 'Pod', namespace: 'shop', name: 'api' };
      log.record({
        involvedObject: api,
        type: 'Normal',
        reason: 'Killing',
        message: 'Stopping container api',
      });
      await waitFor('Killing');
      expect(lines(stdout)[3]).toMatch(/^0s +Normal +Killing +pod\/api +Stopping container api$/);
      log.record({
        involvedObject: api,
        type: 'Normal',
        reason: 'Killing',
        message: 'Stopping container api',
      });
      const deadline = Date.now() + 15_000;
      while (lines(stdout).length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(lines(stdout)[4]).toMatch(/^0s +Normal +Killing +pod\/api +Stopping container api$/);
    } finally {
      child.kill();
    }
  });

  it('describe pod and describe node end with their events', async () => {
    const podText = await shoal(['describe', 'pod', 'web', '-n', 'shop']);
    expect(podText.code).toBe(0);
    const podEvents = podText.stdout.slice(podText.stdout.indexOf('Events:'));
    expect(lines(podEvents)).toEqual([
      'Events:',
      expect.stringMatching(/^ {2}Type +Reason +Age +From +Message$/),
      expect.stringMatching(/^ {2}----/),
      expect.stringMatching(/^ {2}Normal +Pulling +40m +kubelet +Pulling image "nginx:1.25"$/),
      expect.stringMatching(/^ {2}Warning +BackOff +15m \(x2 over 30m\) +kubelet +Back-off restarting$/),
    ]);
    const nodeText = await shoal(['describe', 'node', 'node-a']);
    expect(nodeText.stdout).toMatch(
      /\nEvents:\n.*\n.*\n {2}Normal +Starting +20m +kubelet +Starting kubelet\.\n$/,
    );
  });
});
