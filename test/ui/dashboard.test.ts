// The web dashboard end to end, in Debian's Chromium driven by playwright-core, against a real local cluster
// started FROM THE BROWSER: `shoal dashboard` on an empty data directory → onboarding → "Start a local
// cluster" with 2 agents (real agents on the local Docker engine) → the overview shows 2 Ready nodes. Then,
// only through the UI: a Deployment typed into the Apply editor runs (Pods view), is scaled from 2 to 3
// (Workloads view), its logs are read and a command is run in its shell (pod details), an invalid manifest
// shows its field-path error inline, and a template from the gallery is applied.
//
// A screenshot of each main view goes to test-results/screenshots/<view>.png (gitignored: the run's
// artifact). The steps share one cluster and one page, in order; afterAll stops the dashboard, its agents
// and their containers and removes the data directory, whichever step failed.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { localNodeName } from '../../agent/up/localCluster.ts';
import { describeBrowser, launchBrowser } from '../support/browser.ts';
import { DashboardProcess } from '../support/dashboardProcess.ts';
import { describeDocker, TEST_IMAGE } from '../support/docker.ts';
import { REPO_ROOT } from '../support/runShoal.ts';

const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'screenshots');
/** How long a pod may take to be Running: scheduling, the sandbox, the container (a local image). */
const POD_TIMEOUT_MS = 60_000;

const DEPLOYMENT = 'ticker';
/** A line every 0.5 s, numbered, so the log viewer has something to show at once. */
const deploymentYaml = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${DEPLOYMENT}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${DEPLOYMENT}
  template:
    metadata:
      labels:
        app: ${DEPLOYMENT}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: ticker
          image: ${TEST_IMAGE}
          command: ["sh", "-c", "i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.5; done"]
`;

let dashboard: DashboardProcess | undefined;
let browser: Browser | undefined;
let page: Page;
/** Uncaught errors of the page, checked at the end (a view that throws is a failure even if it recovers). */
const pageErrors: string[] = [];

/** The dashboard's and agents' last lines, for a failure message. */
const context = () => `\n--- dashboard log\n${dashboard?.logs(80) ?? '(not started)'}`;

async function step<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    throw new Error(`${what}: ${(err as Error).message}${context()}`);
  }
}

async function screenshot(view: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${view}.png`), fullPage: true });
}

/** Follows a link of the sidebar, as a user does. */
async function openView(label: string, testId: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('link', { name: label, exact: true })
    .click();
  await page.getByTestId(testId).waitFor();
}

/** Waits until `count` rows whose test id starts with `prefix` show `status` (e.g. 3 Running pods). */
async function waitForRows(prefix: string, status: string, count: number, timeout = POD_TIMEOUT_MS) {
  await page.waitForFunction(
    ({ prefix, status, count }) => {
      const rows = Array.from(document.querySelectorAll(`[data-testid^="${prefix}"]`));
      return rows.filter((r) => r.textContent?.includes(status)).length === count;
    },
    { prefix, status, count },
    { timeout, polling: 250 },
  );
}

/** Replaces the Apply editor's text as a paste would (typing would be auto-indented by the editor). */
async function setEditorText(text: string): Promise<void> {
  const editor = page.locator('.cm-content');
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

describeDocker('dashboard in a real browser', () => {
  describeBrowser('a local cluster started and used from the dashboard', () => {
    beforeAll(async () => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      dashboard = await DashboardProcess.start();
      browser = await launchBrowser();
      const browserContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      page = await browserContext.newPage();
      page.setDefaultTimeout(20_000);
      page.on('pageerror', (err) => pageErrors.push(err.message));
    }, 240_000);

    afterAll(async () => {
      await browser?.close().catch(() => {});
      await dashboard?.stop();
    }, 60_000);

    it('onboarding starts a local cluster of 2 agents; the overview shows them Ready', async () => {
      const d = dashboard as DashboardProcess;
      await step('onboarding', async () => {
        await page.goto(d.url);
        await page.getByTestId('view-onboarding').waitFor();
        await page.getByRole('button', { name: 'Start a local cluster' }).waitFor();
        await screenshot('onboarding');
        await page.getByLabel('Number of agents').fill('2');
        await page.getByRole('button', { name: 'Start a local cluster' }).click();
        await page.getByText('Local cluster started with 2 agents.').waitFor({ timeout: 90_000 });
        await page.getByRole('button', { name: 'Go to the overview' }).click();
      });
      await step('overview with 2 Ready nodes', async () => {
        await page.getByTestId('view-overview').waitFor({ timeout: 30_000 });
        await page.getByTestId('stat-nodes').filter({ hasText: '2 / 2' }).waitFor({ timeout: 60_000 });
        for (const index of [1, 2]) await page.getByTestId(`row-node-${localNodeName(index)}`).waitFor();
        await page.getByTestId('stat-leader').filter({ hasNotText: 'electing' }).waitFor({ timeout: 30_000 });
      });
    }, 180_000);

    it('a Deployment applied from the editor runs 2 pods', async () => {
      await step('apply from the editor', async () => {
        await openView('Apply', 'view-apply');
        await setEditorText(deploymentYaml(2));
        await page.getByText('1 object valid, ready to apply').waitFor();
        await page.getByTestId('view-apply').getByRole('button', { name: 'Apply', exact: true }).click();
        await page
          .getByTestId('apply-result')
          .filter({ hasText: /created/ })
          .waitFor();
      });
      await step('2 Running pods', async () => {
        await openView('Pods', 'view-pods');
        await waitForRows(`row-pod-${DEPLOYMENT}-`, 'Running', 2);
      });
      await screenshot('pods');
    }, 120_000);

    it('scaling it to 3 from the Workloads view starts a third pod', async () => {
      await step('scale up', async () => {
        await openView('Workloads', 'view-workloads');
        await page.getByTestId(`row-deployment-${DEPLOYMENT}`).click();
        const details = page.getByTestId('deployment-details');
        await details.getByRole('button', { name: 'Scale up' }).click();
        await page
          .getByTestId(`row-deployment-${DEPLOYMENT}`)
          .filter({ hasText: '3/3' })
          .waitFor({ timeout: POD_TIMEOUT_MS });
      });
      await screenshot('workloads');
      await step('3 Running pods', async () => {
        await openView('Pods', 'view-pods');
        await waitForRows(`row-pod-${DEPLOYMENT}-`, 'Running', 3);
      });
    }, 120_000);

    it("a pod's logs show what it prints, and its shell runs a command", async () => {
      await step('logs', async () => {
        await page.locator(`[data-testid^="row-pod-${DEPLOYMENT}-"]`).first().click();
        const details = page.getByTestId('pod-details');
        await details.waitFor();
        await details.getByRole('tab', { name: 'Logs' }).click();
        // Two numbered lines: the viewer shows the log as it grows, not one chunk.
        await page
          .getByTestId('log-output')
          .filter({ hasText: /tick-\d+[\s\S]*tick-\d+/ })
          .waitFor();
      });
      await screenshot('pod-logs');
      await step('exec', async () => {
        const details = page.getByTestId('pod-details');
        await details.getByRole('tab', { name: 'Shell' }).click();
        await details.getByRole('button', { name: 'Run' }).click();
        await page.getByText('Connected — type in the terminal.').waitFor();
        // The shell's prompt first, so the keys reach a reading shell.
        await page.locator('.xterm-rows').filter({ hasText: /[#$]/ }).waitFor();
        await page.getByTestId('terminal').click();
        await page.keyboard.type('echo hello-$((6*7))');
        await page.keyboard.press('Enter');
        // The command line echoes `hello-$((6*7))`; only the shell's output says hello-42.
        await page.locator('.xterm-rows').filter({ hasText: 'hello-42' }).waitFor();
      });
      await screenshot('exec-terminal');
    }, 90_000);

    it('an invalid manifest shows its field-path error inline', async () => {
      await step('invalid manifest', async () => {
        await openView('Apply', 'view-apply');
        await setEditorText(deploymentYaml(-1));
        const error = page.getByTestId('apply-error').filter({ hasText: 'spec.replicas' });
        await error.waitFor();
        expect(await error.textContent()).toMatch(/spec\.replicas/);
        // The editor marks the line too, and nothing can be applied.
        await page.locator('.cm-lintRange-error').first().waitFor();
        expect(
          await page
            .getByTestId('view-apply')
            .getByRole('button', { name: 'Apply', exact: true })
            .isDisabled(),
        ).toBe(true);
      });
      await screenshot('apply-error');
    }, 60_000);

    it('the static-site template from the gallery is applied and runs', async () => {
      await step('template', async () => {
        await openView('Templates', 'view-templates');
        await page.getByTestId('template-static-site').click();
        const form = page.getByRole('form', { name: 'Static site settings' });
        await form.getByLabel('Name', { exact: true }).fill('site');
        await form.getByLabel('Replicas', { exact: true }).fill('1');
        await form.getByLabel('Image', { exact: true }).fill(TEST_IMAGE);
        await page.getByTestId('template-yaml').filter({ hasText: TEST_IMAGE }).waitFor();
        await page.getByTestId('view-templates').getByRole('button', { name: 'Apply', exact: true }).click();
        await page.getByTestId('apply-results').waitFor();
        const results = (await page.getByTestId('apply-result').allTextContents()).join('\n');
        expect(results).toMatch(/configmap.*site-content.*created/i);
        expect(results).toMatch(/deployment.*site.*created/i);
        expect(results).toMatch(/service.*site.*created/i);
      });
      await screenshot('templates');
      await step('its pod runs', async () => {
        await openView('Pods', 'view-pods');
        await waitForRows('row-pod-site-', 'Running', 1);
      });
      await step('services', async () => {
        await openView('Services', 'view-services');
        await page.getByTestId('row-service-site').waitFor();
      });
      await screenshot('services');
    }, 120_000);

    it('the nodes, events and overview views show the cluster', async () => {
      await step('nodes', async () => {
        await openView('Nodes', 'view-nodes');
        for (const index of [1, 2]) await page.getByTestId(`row-node-${localNodeName(index)}`).waitFor();
      });
      await screenshot('nodes');
      await step('events', async () => {
        await openView('Events', 'view-events');
        // Scheduling the ticker's pods made events that name them.
        await page.getByTestId('view-events').filter({ hasText: DEPLOYMENT }).waitFor();
      });
      await screenshot('events');
      // The overview's screenshot last, with the pods, events and usage of everything above.
      await step('overview with pods', async () => {
        await openView('Overview', 'view-overview');
        await page.getByTestId('stat-pods').filter({ hasText: '4' }).waitFor();
      });
      await screenshot('overview');
      expect(pageErrors, 'uncaught errors in the page').toEqual([]);
    }, 60_000);
  });
});
