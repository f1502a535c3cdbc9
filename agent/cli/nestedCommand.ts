// Commands under a command (`shoal set image`, `shoal rollout status`): program.ts wires exit handling and
// output only into its direct children, so the nested ones get the same here.
import type { Command } from 'commander';
import type { CliIo } from './io.ts';

export function subcommand(cmd: Command, io: CliIo): Command {
  return cmd.exitOverride().configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
  });
}
