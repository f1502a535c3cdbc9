// `shoal version`: the versions a bug report needs.

import { createRequire } from 'node:module';
import { Command } from 'commander';
import type { CliIo } from '../io.ts';

const pkg = createRequire(import.meta.url)('../../../package.json') as { version: string };

export const SHOAL_VERSION: string = pkg.version;

export function versionCommand(io: CliIo): Command {
  return new Command('version')
    .description('Print the Shoal and Node.js versions')
    .option('-o, --output <format>', 'json for a machine-readable answer')
    .action((opts: { output?: string }) => {
      const info = {
        shoalVersion: SHOAL_VERSION,
        nodeVersion: process.version,
        platform: `${process.platform}/${process.arch}`,
      };
      if (opts.output === 'json') io.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
      else io.stdout.write(`Shoal ${info.shoalVersion} (Node.js ${info.nodeVersion}, ${info.platform})\n`);
    });
}
