// Debian's Chromium driven by playwright-core, for the dashboard's end-to-end tests and benchmark.
//
// Policy, as for Docker (test/support/docker.ts): a browser test that cannot find Chromium FAILS. Under CI
// (`CI` set) there is no way around that. Outside CI a developer without Chromium may opt out with
// SHOAL_SKIP_BROWSER_TESTS=1: suites declared with `describeBrowser` are then skipped, with a visible
// message, when the browser is missing. CHROMIUM_PATH names another executable (default /usr/bin/chromium).
import { accessSync, constants } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { isCI } from './docker.ts';
import { describeRequiring } from './requiredSuite.ts';

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/** True when a developer asked to skip browser suites on a machine without Chromium (ignored in CI). */
export function browserSkipRequested(): boolean {
  return process.env.SHOAL_SKIP_BROWSER_TESTS === '1' && !isCI();
}

/** Why Chromium cannot be started (not there, not executable), or undefined when it can. */
export function browserProblem(): string | undefined {
  const file = chromiumPath();
  try {
    accessSync(file, constants.X_OK);
    return undefined;
  } catch (err) {
    return `${file} is not an executable (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
  }
}

function missingMessage(problem: string): string {
  if (isCI()) return `Chromium not found: ${problem}; CI requires it (apt-get install chromium, see .ci/run)`;
  return (
    `Chromium not found: ${problem}. Install Debian's chromium package or set CHROMIUM_PATH, ` +
    'or set SHOAL_SKIP_BROWSER_TESTS=1 to skip the browser test suites.'
  );
}

/** Call from a `beforeAll`: throws (failing every test of the suite) when Chromium is missing. */
export function requireBrowser(): void {
  const problem = browserProblem();
  if (problem) throw new Error(missingMessage(problem));
}

/** Launches headless Chromium (no sandbox: tests run as root in containers, where it cannot work). */
export function launchBrowser(): Promise<Browser> {
  requireBrowser();
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
}

/**
 * `describe` for suites that need Chromium: the suite first checks the browser in a `beforeAll` and fails
 * with a clear message when it is missing. With SHOAL_SKIP_BROWSER_TESTS=1 outside CI, the suite is
 * skipped instead when the browser is missing. Nest it in `describeDocker` for suites that need both.
 */
export function describeBrowser(name: string, fn: () => void): void {
  const problem = browserSkipRequested() ? browserProblem() : undefined;
  describeRequiring(name, fn, {
    what: 'browser',
    skipReason: problem ? `${problem}, SHOAL_SKIP_BROWSER_TESTS=1` : undefined,
    check: requireBrowser,
  });
}
