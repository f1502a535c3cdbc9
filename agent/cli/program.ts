// The `shoal` command tree. Each verb lives in ./commands; this file only assembles them.
import { Command, CommanderError } from 'commander';
import { applyCommand } from './commands/apply.ts';
import { versionCommand } from './commands/version.ts';
import { CliError, EXIT } from './exitCodes.ts';
import type { CliIo } from './io.ts';

export function buildProgram(io: CliIo): Command {
  const program = new Command('shoal')
    .description(
      'Shoal runs containers across a few machines with no control plane: agents share the cluster state ' +
        'peer to peer. Write Kubernetes-style YAML and drive it with kubectl-like verbs.',
    )
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride()
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      '\nExit status: 0 on success, 1 when the request failed, 2 when the command line is wrong.',
    );
  program.addCommand(applyCommand(io));
  program.addCommand(versionCommand(io));
  for (const sub of program.commands) sub.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** Runs the CLI and returns the exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr.write(`${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof CommanderError) {
      // Help and version are not errors; everything else commander reports is a usage error (already printed).
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.help' ||
        err.code === 'commander.version'
      ) {
        return EXIT.ok;
      }
      return EXIT.usage;
    }
    io.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failed;
  }
}
