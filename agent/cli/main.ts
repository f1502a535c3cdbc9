// Entry point of the `shoal` command (see bin/shoal.js): run the CLI on this process's arguments and streams.
import { processIo } from './io.ts';
import { runCli } from './program.ts';

process.exitCode = await runCli(process.argv.slice(2), processIo);
