// Suites that need something on the machine (the Docker engine, Chromium). Policy: such a suite FAILS when
// it is missing, since a skipped test hides failures; under CI there is no way around that. Only outside CI,
// when a developer opted out (SHOAL_SKIP_DOCKER_TESTS=1, SHOAL_SKIP_BROWSER_TESTS=1) and the thing is
// really missing, is the suite skipped, with a visible message naming why.
import { beforeAll, describe } from 'vitest';

export interface Requirement {
  /** For the message: "Docker", "browser". */
  what: string;
  /** Why the suite is skipped, decided while vitest collects tests; undefined runs it. */
  skipReason: string | undefined;
  /** Run in a `beforeAll`: throws (failing every test of the suite) when the requirement is not met. */
  check: () => unknown;
  checkTimeoutMs?: number;
}

export function describeRequiring(name: string, fn: () => void, requirement: Requirement): void {
  if (requirement.skipReason !== undefined) {
    const why = requirement.skipReason;
    console.warn(`[shoal] SKIPPING ${requirement.what} suite "${name}": ${why}`);
    describe.skip(`${name} [skipped: ${why}]`, fn);
    return;
  }
  describe(name, () => {
    beforeAll(async () => {
      await requirement.check();
    }, requirement.checkTimeoutMs);
    fn();
  });
}
