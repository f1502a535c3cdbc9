// The `shoal` command tree. Each verb lives in ./commands; this file only assembles them.
import { Command, CommanderError } from 'commander';
import { agentCommand } from './commands/agent.ts';
import { applyCommand } from './commands/apply.ts';
import { bootstrapCommand } from './commands/bootstrap.ts';
import { cordonCommand, uncordonCommand } from './commands/cordon.ts';
import { createCommand } from './commands/create.ts';
import { dashboardCommand } from './commands/dashboard.ts';
import { deleteCommand } from './commands/delete.ts';
import { describeCommand } from './commands/describe.ts';
import { drainCommand } from './commands/drain.ts';
import { execCommand } from './commands/exec.ts';
import { getCommand } from './commands/get.ts';
import { initCommand } from './commands/init.ts';
import { keyCommand } from './commands/key.ts';
import { logsCommand } from './commands/logs.ts';
import { portForwardCommand } from './commands/portForward.ts';
import { rolloutCommand } from './commands/rollout.ts';
import { scaleCommand } from './commands/scale.ts';
import { setCommand } from './commands/setImage.ts';
import { statusCommand } from './commands/status.ts';
import { upCommand } from './commands/up.ts';
import { versionCommand } from './commands/version.ts';
import { waitCommand } from './commands/wait.ts';
import { DATA_DIR_ENV, DATA_DIR_HELP } from './dataDir.ts';
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
    // Program options go before the command (`shoal --data-dir D get pods`); each command that needs a data
    // directory also takes its own `--data-dir`, read with dataDirOption().
    .enablePositionalOptions()
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .addHelpText(
      'after',
      `
The CLI talks to the agent whose data directory holds api.json (its address and token): --data-dir, else
$${DATA_DIR_ENV}, else ~/.local/share/shoal (Linux), ~/Library/Application Support/Shoal (macOS) or
%APPDATA%\\Shoal (Windows).

Exit status: 0 on success, 1 when the request failed, 2 when the command line is wrong.`,
    );
  program.addCommand(upCommand(io));
  program.addCommand(initCommand(io));
  program.addCommand(agentCommand(io));
  program.addCommand(dashboardCommand(io));
  program.addCommand(keyCommand(io));
  program.addCommand(bootstrapCommand(io));
  program.addCommand(getCommand(io));
  program.addCommand(describeCommand(io));
  program.addCommand(applyCommand(io));
  program.addCommand(createCommand(io));
  program.addCommand(deleteCommand(io));
  program.addCommand(scaleCommand(io));
  program.addCommand(setCommand(io));
  program.addCommand(rolloutCommand(io));
  program.addCommand(waitCommand(io));
  program.addCommand(cordonCommand(io));
  program.addCommand(uncordonCommand(io));
  program.addCommand(drainCommand(io));
  program.addCommand(logsCommand(io));
  program.addCommand(execCommand(io));
  program.addCommand(portForwardCommand(io));
  program.addCommand(statusCommand(io));
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
      // An empty message: the command has printed its errors already (one per failed object).
      if (err.message !== '') io.stderr.write(`${err.message}\n`);
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
