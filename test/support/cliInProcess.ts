// Runs the `shoal` CLI in this process against an agent's data directory, collecting what it prints: much
// faster than a child process for tests of one command's behaviour.
import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../agent/cli/io.ts';
import { runCli } from '../../agent/cli/program.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCliInProcess(dataDir: string, args: string[], stdin = ''): Promise<CliResult> {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') => {
    const s = new PassThrough();
    s.on('data', (d: Buffer) => {
      out[key] += d.toString();
    });
    return s;
  };
  const io: CliIo = {
    stdin: Readable.from(stdin === '' ? [] : [stdin]),
    stdout: sink('stdout'),
    stderr: sink('stderr'),
  };
  const code = await runCli(['--data-dir', dataDir, ...args], io);
  await new Promise((r) => setImmediate(r)); // let the sinks deliver their last chunks
  return { code, ...out };
}
