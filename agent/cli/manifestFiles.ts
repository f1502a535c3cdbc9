// Reads `-f` sources as kubectl does: files, directories of .yaml/.yml/.json files, and `-` for standard input.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError, EXIT } from './exitCodes.ts';

export interface ManifestText {
  readonly source: string;
  readonly text: string;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function listDirectory(dir: string, recursive: boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, e.name);
    if (e.isDirectory() && recursive) files.push(...(await listDirectory(path, recursive)));
    else if (e.isFile() && MANIFEST_FILE.test(e.name)) files.push(path);
  }
  return files;
}

export async function readManifestSources(
  sources: readonly string[],
  opts: { recursive?: boolean; stdin?: NodeJS.ReadableStream } = {},
): Promise<ManifestText[]> {
  if (sources.length === 0) throw new CliError('error: must specify one of -f and -k', EXIT.usage);
  const out: ManifestText[] = [];
  for (const source of sources) {
    if (source === '-') {
      out.push({ source: '<stdin>', text: await readStdin(opts.stdin ?? process.stdin) });
      continue;
    }
    const info = await stat(source).catch(() => undefined);
    if (!info) throw new CliError(`error: the path "${source}" does not exist`);
    if (info.isDirectory()) {
      const files = await listDirectory(source, opts.recursive ?? false);
      if (files.length === 0)
        throw new CliError(
          `error: no objects passed to apply: "${source}" has no .yaml, .yml or .json files`,
        );
      for (const file of files) out.push({ source: file, text: await readFile(file, 'utf8') });
    } else {
      out.push({ source, text: await readFile(source, 'utf8') });
    }
  }
  return out;
}
