// api.json: written atomically with mode 0600, read back, refused when malformed, removed on shutdown.
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiInfoError,
  apiInfoPath,
  generateApiToken,
  readApiInfo,
  removeApiInfo,
  writeApiInfo,
} from '../../agent/api/apiInfo.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'shoal-apiinfo-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('api.json', () => {
  it('is written with mode 0600 in a directory it creates, and read back', async () => {
    const dir = join(root, 'new', 'data');
    const info = { url: 'http://127.0.0.1:7443', token: generateApiToken(), pid: process.pid };
    const path = await writeApiInfo(dir, info);
    expect(path).toBe(apiInfoPath(dir));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(await readApiInfo(dir)).toEqual(info);
    // Rewritten in place (rename), with no temporary file left behind.
    await writeApiInfo(dir, { ...info, url: 'http://127.0.0.1:7444' });
    expect((await readApiInfo(dir))?.url).toBe('http://127.0.0.1:7444');
    expect(await readdir(dir)).toEqual(['api.json']);
  });

  it('is undefined when absent and an ApiInfoError when malformed', async () => {
    const dir = await mkdtemp(join(root, 'x-'));
    expect(await readApiInfo(dir)).toBeUndefined();
    await writeFile(join(dir, 'api.json'), 'nope');
    await expect(readApiInfo(dir)).rejects.toBeInstanceOf(ApiInfoError);
    await writeFile(join(dir, 'api.json'), JSON.stringify({ url: 'http://127.0.0.1:1/path', token: 'x' }));
    await expect(readApiInfo(dir)).rejects.toThrow(/url/);
    await expect(writeApiInfo(dir, { url: 'nope', token: '' })).rejects.toThrow();
  });

  it('is removed on shutdown only by the process it names', async () => {
    const dir = await mkdtemp(join(root, 'y-'));
    await writeApiInfo(dir, { url: 'http://127.0.0.1:1', token: 't', pid: 12345 });
    await removeApiInfo(dir, process.pid);
    expect(await readApiInfo(dir)).toBeDefined();
    await removeApiInfo(dir, 12345);
    expect(await readApiInfo(dir)).toBeUndefined();
    await removeApiInfo(dir); // absent: nothing to do
  });

  it('generates distinct 256-bit tokens', () => {
    const a = generateApiToken();
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(generateApiToken()).not.toBe(a);
  });
});
