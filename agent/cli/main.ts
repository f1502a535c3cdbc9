// Entry point of the `shoal` command (see bin/shoal.js): run the CLI on this process's arguments and streams.
import { processIo } from './io.ts';
import { runCli } from './program.ts';

// `shoal get pods | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

process.exitCode = await runCli(process.argv.slice(2), processIo);
