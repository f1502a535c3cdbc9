// The web dashboard with 1,000 pods (issue 7 targets: the Pods view updates ≤ 200 ms after a change, the
// tab's heap ≤ 150 MB, the first view ≤ 1 s after launch). One real `shoal agent --no-workloads` (no Docker
// needed) holds 1,000 pods bound to a node that does not exist, so nothing runs them; `shoal dashboard` is
// attached to it and Debian's Chromium (playwright-core) shows the Pods view. Writes bench/results/dashboard.json.
//
// (a) Update latency: the page itself changes one pod through the dashboard's API (alternately deletes
//     pod-0000, the first row, and creates it again) and takes performance.now() when a MutationObserver
//     sees its row go or come. Baseline, in the same page and for the same change: when the event arrives
//     on a raw WebSocket watch opened like the app's (`/shoal/v1/watch?allowWatchBookmarks=true`). Which of
//     two sockets the server writes first varies, so the UI's own cost is measured on the app's socket
//     itself: an init script timestamps the event's arrival on it (a listener added before the app's),
//     and ui − app socket is what the store, React and the table add. 20 samples.
// (b) Heap of the tab with the 1,000 pods shown (CDP Performance.getMetrics JSHeapUsedSize, after a GC);
//     baseline: an about:blank tab of the same browser.
// (c) First view: navigation start (performance.now()'s origin) until the first pod row is in the DOM,
//     in a fresh browser context (cold cache) opened on #/pods, 5 runs. Baseline: loading the static
//     index.html alone (JavaScript off: the HTML and its stylesheet, until the load event).
import os from 'node:os';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser.ts';
import { DashboardProcess } from '../test/support/dashboardProcess.ts';
import { type BenchCluster, sleep, startCluster } from './support/cluster.ts';
import { median, percentile, printTable, round, writeResults } from './support/report.ts';

const POD_COUNT = 1000;
const BATCH = 100;
const SAMPLES = 20;
const FIRST_VIEW_RUNS = 5;
const PROBE_POD = 'pod-0000';
/** A node no agent is: the pods stay bound to it, unrun, and no controller touches them. */
const GHOST_NODE = 'no-such-node';
const TARGETS = { updateMs: 200, heapMb: 150, firstViewMs: 1000 };
/** The renderer keeps the dashboard's token here (renderer/src/main.tsx); a reload of a view reads it. */
const TOKEN_STORAGE_KEY = 'shoal.token';
const MB = 1024 * 1024;

function podManifest(name: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'bench' } },
    spec: {
      nodeName: GHOST_NODE,
      containers: [{ name: 'app', image: 'shoal.test/busybox:1', command: ['sleep', '3600'] }],
    },
  };
}

const podName = (i: number) => `pod-${String(i).padStart(4, '0')}`;

async function createPods(cluster: BenchCluster, agent: string): Promise<void> {
  for (let start = 0; start < POD_COUNT; start += BATCH) {
    const objects = Array.from({ length: Math.min(BATCH, POD_COUNT - start) }, (_, k) =>
      podManifest(podName(start + k)),
    );
    const answer = await cluster.request<{ results: { error?: { message?: string } }[] }>(
      agent,
      'POST',
      '/shoal/v1/apply',
      { objects },
    );
    const failed = answer.results.find((r) => r.error);
    if (failed) throw new Error(`creating pods failed: ${failed.error?.message}`);
  }
}

/** A page whose sessionStorage already holds the token, as after the printed URL was opened once. */
async function contextWithToken(
  browser: Browser,
  token: string,
  opts: { javaScriptEnabled?: boolean } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, ...opts });
  await context.addInitScript(({ key, value }) => sessionStorage.setItem(key, value), {
    key: TOKEN_STORAGE_KEY,
    value: token,
  });
  return context;
}

async function waitForAllPods(page: Page): Promise<void> {
  await page
    .getByTestId('pod-count')
    .filter({ hasText: `${POD_COUNT} pods` })
    .waitFor({ timeout: 60_000 });
}

interface FirstView {
  htmlMs: number;
  domContentLoadedMs: number;
  firstRowsMs: number;
}

/** (c) One cold start of the Pods view in a fresh context. */
async function firstView(browser: Browser, dashboard: DashboardProcess): Promise<FirstView> {
  const context = await contextWithToken(browser, dashboard.token);
  try {
    // Installed before any of the page's scripts: notes when the first pod row enters the DOM.
    await context.addInitScript(() => {
      const w = window as unknown as { __firstRowsAt?: number };
      const observer = new MutationObserver(() => {
        if (w.__firstRowsAt === undefined && document.querySelector('[data-testid^="row-pod-"]')) {
          w.__firstRowsAt = performance.now();
          observer.disconnect();
        }
      });
      observer.observe(document, { childList: true, subtree: true });
    });
    const page = await context.newPage();
    await page.goto(`${dashboard.origin}/#/pods`);
    await page.waitForFunction(
      () => (window as unknown as { __firstRowsAt?: number }).__firstRowsAt !== undefined,
      undefined,
      { timeout: 30_000 },
    );
    await waitForAllPods(page);
    return await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return {
        htmlMs: nav.responseEnd,
        domContentLoadedMs: nav.domContentLoadedEventEnd,
        firstRowsMs: (window as unknown as { __firstRowsAt: number }).__firstRowsAt,
      };
    });
  } finally {
    await context.close();
  }
}

/** (c) baseline: the static index.html alone, scripts off. */
async function staticPageLoad(browser: Browser, dashboard: DashboardProcess): Promise<number> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(`${dashboard.origin}/index.html`, { waitUntil: 'load' });
    return await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return nav.loadEventEnd;
    });
  } catch {
    return Number.NaN;
  } finally {
    await context.close();
  }
}

interface UpdateSample {
  op: 'delete' | 'create';
  uiMs: number;
  watchMs: number;
  appSocketMs: number;
  httpMs: number;
}

/**
 * (a) Installed before the app's scripts: the app's watch socket gets a first message listener that
 * timestamps the events a sample waits for (it looks at messages only while one waits). Plain JavaScript
 * in a string: tsx would wrap a class written here in a helper (`__name`) the page does not have.
 */
const TIMESTAMP_APP_SOCKET = `(() => {
  const waiters = new Set();
  window.__appWaiters = waiters;
  const Native = window.WebSocket;
  const decoder = new TextDecoder();
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      if (window.__benchRawSocket || !String(url).includes('/shoal/v1/watch')) return;
      this.addEventListener('message', (e) => {
        if (waiters.size === 0) return;
        const at = performance.now();
        const m = JSON.parse(typeof e.data === 'string' ? e.data : decoder.decode(e.data));
        for (const waiter of waiters) {
          if (waiter.type === m.type && waiter.name === m.object?.metadata?.name) {
            waiters.delete(waiter);
            waiter.resolve(at);
          }
        }
      });
    }
  };
})();`;

/** (a) Opens the raw baseline watch in the page; resolves once its initial events are out. */
async function openRawWatch(page: Page, token: string): Promise<void> {
  await page.evaluate(async (token) => {
    let binary = '';
    for (const b of new TextEncoder().encode(token)) binary += String.fromCharCode(b);
    const protocol = `base64url.bearer.authorization.k8s.io.${btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
    type Waiter = { type: string; name: string; resolve: (at: number) => void };
    const waiters = new Set<Waiter>();
    const w = window as unknown as { __benchRawSocket?: boolean };
    w.__benchRawSocket = true;
    const ws = new WebSocket(`ws://${location.host}/shoal/v1/watch?allowWatchBookmarks=true`, [protocol]);
    w.__benchRawSocket = false;
    (window as unknown as { __raw: { ws: WebSocket; waiters: Set<Waiter> } }).__raw = { ws, waiters };
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener('message', (e: MessageEvent) => {
        const at = performance.now();
        const m = JSON.parse(String(e.data)) as {
          type: string;
          object: { metadata?: { name?: string; annotations?: Record<string, string> } };
        };
        if (m.type === 'BOOKMARK' && m.object.metadata?.annotations?.['k8s.io/initial-events-end']) resolve();
        for (const w of waiters) {
          if (w.type === m.type && w.name === m.object.metadata?.name) {
            waiters.delete(w);
            w.resolve(at);
          }
        }
      });
      ws.addEventListener('error', () => reject(new Error('the raw watch failed')));
    });
  }, token);
}

/** (a) One change made by the page, timed in the page: its row in the Pods view and the raw watch's event. */
function updateSample(page: Page, token: string, op: 'delete' | 'create'): Promise<UpdateSample> {
  return page.evaluate(
    async ({ token, op, name, manifest }) => {
      type Waiter = { type: string; name: string; resolve: (at: number) => void };
      const w = window as unknown as { __raw: { waiters: Set<Waiter> }; __appWaiters: Set<Waiter> };
      const raw = w.__raw;
      const eventType = op === 'create' ? 'ADDED' : 'DELETED';
      const selector = `[data-testid="row-pod-${name}"]`;
      const wantRow = op === 'create';
      const t0 = performance.now();
      const ui = new Promise<number>((resolve) => {
        const observer = new MutationObserver(() => {
          if ((document.querySelector(selector) !== null) === wantRow) {
            observer.disconnect();
            resolve(performance.now());
          }
        });
        observer.observe(document.body, { childList: true, subtree: true, characterData: true });
      });
      const watch = new Promise<number>((resolve) => raw.waiters.add({ type: eventType, name, resolve }));
      const appSocket = new Promise<number>((resolve) =>
        w.__appWaiters.add({ type: eventType, name, resolve }),
      );
      const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
      const res =
        op === 'create'
          ? await fetch('/shoal/v1/apply', {
              method: 'POST',
              headers,
              body: JSON.stringify({ objects: [manifest] }),
            })
          : await fetch(`/api/v1/namespaces/default/pods/${name}?gracePeriodSeconds=0`, {
              method: 'DELETE',
              headers,
            });
      const answered = performance.now();
      if (!res.ok) throw new Error(`${op} ${name}: HTTP ${res.status} ${await res.text()}`);
      const seen: string[] = [];
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(
          () =>
            reject(new Error(`${op} ${name}: not all seen within 10 s (seen: ${seen.join(', ') || 'none'})`)),
          10_000,
        ),
      );
      const [uiAt, watchAt, appAt] = (await Promise.race([
        Promise.all(
          // Inline callbacks: tsx would wrap a named helper in `__name`, which the page lacks.
          [ui, watch, appSocket].map((p, k) =>
            p.then((at) => {
              seen.push(['row', 'raw watch', 'app socket'][k] as string);
              return at;
            }),
          ),
        ),
        timeout,
      ])) as [number, number, number];
      return { op, uiMs: uiAt - t0, watchMs: watchAt - t0, appSocketMs: appAt - t0, httpMs: answered - t0 };
    },
    { token, op, name: PROBE_POD, manifest: podManifest(PROBE_POD) },
  );
}

/** (b) JSHeapUsedSize after a full GC, MB. */
async function heapMb(cdp: CDPSession): Promise<{ usedMb: number; totalMb: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
  return { usedMb: metric('JSHeapUsedSize') / MB, totalMb: metric('JSHeapTotalSize') / MB };
}

const stats = (values: number[]) => ({
  p50: round(percentile(values, 50)),
  p95: round(percentile(values, 95)),
  max: round(Math.max(...values)),
});

export async function run(): Promise<unknown> {
  let cluster: BenchCluster | undefined;
  let dashboard: DashboardProcess | undefined;
  let browser: Browser | undefined;
  try {
    cluster = await startCluster(['agent-1'], { agentArgs: ['--no-workloads'] });
    await cluster.waitForSettled(['agent-1'], { members: 1, timeoutMs: 60_000 });
    const created = performance.now();
    await createPods(cluster, 'agent-1');
    const createMs = performance.now() - created;
    dashboard = await DashboardProcess.start({ dataDir: cluster.dir('agent-1') });
    browser = await launchBrowser();

    // (c) first, while nothing else has warmed anything.
    const staticLoads: number[] = [];
    const views: FirstView[] = [];
    for (let i = 0; i < FIRST_VIEW_RUNS; i++) {
      staticLoads.push(await staticPageLoad(browser, dashboard));
      views.push(await firstView(browser, dashboard));
    }

    // (a) on one long-lived Pods view.
    const context = await contextWithToken(browser, dashboard.token);
    await context.addInitScript(TIMESTAMP_APP_SOCKET);
    const page = await context.newPage();
    await page.goto(`${dashboard.origin}/#/pods`);
    await waitForAllPods(page);
    await openRawWatch(page, dashboard.token);
    await sleep(1000);
    const samples: UpdateSample[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      samples.push(await updateSample(page, dashboard.token, i % 2 === 0 ? 'delete' : 'create'));
      await sleep(300);
    }
    await page.getByTestId(`row-pod-${PROBE_POD}`).waitFor();
    await waitForAllPods(page);

    // (b) the same tab, 1,000 pods shown and 20 changes applied; then an about:blank tab.
    await sleep(1000);
    const heap = await heapMb(await context.newCDPSession(page));
    // The same figure as the page sees it (Chromium's performance.memory), as a cross-check.
    const pageHeapMb = await page.evaluate(
      () =>
        ((performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ??
          Number.NaN) /
        (1024 * 1024),
    );
    const blankContext = await browser.newContext();
    const blank = await blankContext.newPage();
    await blank.goto('about:blank');
    const blankHeap = await heapMb(await blankContext.newCDPSession(blank));
    await blankContext.close();
    await context.close();

    const ui = samples.map((s) => s.uiMs);
    const watch = samples.map((s) => s.watchMs);
    const appSocket = samples.map((s) => s.appSocketMs);
    const uiCost = samples.map((s) => s.uiMs - s.appSocketMs);
    const domContentLoaded = views.map((v) => v.domContentLoadedMs);
    const firstRows = views.map((v) => v.firstRowsMs);
    const figures = {
      targets: TARGETS,
      pods: POD_COUNT,
      createPodsMs: round(createMs),
      update: {
        samples: samples.map((s) => ({
          op: s.op,
          uiMs: round(s.uiMs),
          watchMs: round(s.watchMs),
          appSocketMs: round(s.appSocketMs),
          httpMs: round(s.httpMs),
        })),
        ui: stats(ui),
        watchBaseline: stats(watch),
        appSocket: stats(appSocket),
        uiOwnCost: stats(uiCost),
      },
      heap: {
        usedMb: round(heap.usedMb),
        totalMb: round(heap.totalMb),
        aboutBlankUsedMb: round(blankHeap.usedMb),
        performanceMemoryUsedMb: round(pageHeapMb),
      },
      firstView: {
        runs: views.map((v) => ({
          htmlMs: round(v.htmlMs),
          domContentLoadedMs: round(v.domContentLoadedMs),
          firstRowsMs: round(v.firstRowsMs),
        })),
        firstRowsMedianMs: round(median(firstRows)),
        firstRowsMaxMs: round(Math.max(...firstRows)),
        domContentLoadedMedianMs: round(median(domContentLoaded)),
        staticIndexHtmlMedianMs: round(median(staticLoads)),
      },
      meets: {
        update: percentile(ui, 95) <= TARGETS.updateMs,
        heap: heap.usedMb <= TARGETS.heapMb,
        firstView: median(firstRows) <= TARGETS.firstViewMs,
      },
    };

    console.log(
      `dashboard: 1 agent (--no-workloads) with ${POD_COUNT} pods, shoal dashboard, Chromium on the Pods view; ` +
        `${SAMPLES} changes (delete/create ${PROBE_POD}), ${FIRST_VIEW_RUNS} cold first views`,
    );
    printTable([
      ['measure', 'p50 / median', 'p95', 'max', 'baseline', 'target', 'met'],
      [
        'Pods view update after a change (ms)',
        figures.update.ui.p50,
        figures.update.ui.p95,
        figures.update.ui.max,
        `raw watch p50 ${figures.update.watchBaseline.p50}, p95 ${figures.update.watchBaseline.p95}`,
        `≤ ${TARGETS.updateMs}`,
        figures.meets.update ? 'yes' : 'NO',
      ],
      [
        "  event on the app's own socket (ms)",
        figures.update.appSocket.p50,
        figures.update.appSocket.p95,
        figures.update.appSocket.max,
        '',
        '',
        '',
      ],
      [
        "  the UI's own cost: ui − app socket (ms)",
        figures.update.uiOwnCost.p50,
        figures.update.uiOwnCost.p95,
        figures.update.uiOwnCost.max,
        '',
        '',
        '',
      ],
      [
        'heap of the tab, JSHeapUsedSize (MB)',
        figures.heap.usedMb,
        '',
        '',
        `about:blank ${figures.heap.aboutBlankUsedMb}`,
        `≤ ${TARGETS.heapMb}`,
        figures.meets.heap ? 'yes' : 'NO',
      ],
      [
        'first view: pod rows shown (ms)',
        figures.firstView.firstRowsMedianMs,
        '',
        figures.firstView.firstRowsMaxMs,
        `static index.html ${figures.firstView.staticIndexHtmlMedianMs}`,
        `≤ ${TARGETS.firstViewMs}`,
        figures.meets.firstView ? 'yes' : 'NO',
      ],
      [
        '  of which: bundle loaded and run, DOMContentLoaded (ms)',
        figures.firstView.domContentLoadedMedianMs,
        '',
        '',
        '',
        '',
        '',
      ],
    ]);
    console.log(
      `load average during the run: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (${os.availableParallelism()} cores)`,
    );
    await writeResults('dashboard', figures);
    return figures;
  } catch (err) {
    const logs = `${dashboard ? `\n--- dashboard\n${dashboard.logs()}` : ''}${cluster ? `\n${cluster.logs()}` : ''}`;
    throw new Error(`${(err as Error).message}${logs}`);
  } finally {
    await browser?.close().catch(() => {});
    await dashboard?.stop();
    await cluster?.close();
  }
}
