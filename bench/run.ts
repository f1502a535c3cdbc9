// Runs every benchmark module in bench/ in sequence (`npm run bench`), or the ones named on the command
// line (`npm run bench -- document`). A benchmark module exports `run()`, which prints its figures and
// writes them to bench/results/<name>.json.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface BenchmarkModule {
  run(): Promise<unknown>;
}

const only = process.argv.slice(2);
const names = (await readdir(import.meta.dirname))
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -'.ts'.length))
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();

for (const name of names) {
  const module = (await import(
    pathToFileURL(path.join(import.meta.dirname, `${name}.ts`)).href
  )) as Partial<BenchmarkModule>;
  if (typeof module.run !== 'function') {
    console.log(`bench/${name}.ts exports no run(); skipped`);
    continue;
  }
  console.log(`\n== ${name}`);
  await module.run();
}
