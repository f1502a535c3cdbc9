// Exit codes scripts can rely on; documented in `shoal --help`.
export const EXIT = {
  ok: 0,
  /** The request was understood but failed: invalid manifests, an object not found, an agent error. */
  failed: 1,
  /** The command line itself is wrong: unknown flag, missing argument, bad value. */
  usage: 2,
} as const;

/** An error whose message is meant for the user as it is, with the exit code to leave with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
