// The generated pod sandbox program, run as a real process on this machine.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pauseBinary } from '../../agent/kubelet/sandbox/pauseBinary.ts';
import { tarArchive } from '../../agent/kubelet/sandbox/tarArchive.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'shoal-pause-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startPause(): ReturnType<typeof spawn> {
  const file = path.join(dir, 'pause');
  writeFileSync(file, pauseBinary('x64')!);
  chmodSync(file, 0o755);
  return spawn(file, [], { stdio: 'ignore' });
}

async function exitAfter(signal: NodeJS.Signals): Promise<{ code: number | null; signal: string | null }> {
  const child = startPause();
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, sig) => resolve({ code, signal: sig })),
  );
  await new Promise((r) => setTimeout(r, 200));
  expect(child.exitCode).toBeNull(); // still sleeping
  child.kill(signal);
  return exited;
}

describe('the pod sandbox program', () => {
  it('is a small static x86-64 ELF; other architectures have none yet', () => {
    const elf = pauseBinary('x64')!;
    expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(elf.readUInt16LE(18)).toBe(0x3e);
    expect(elf.length).toBeLessThan(512);
    expect(pauseBinary('arm64')).toBeUndefined();
  });

  it.runIf(process.arch === 'x64')('sleeps until SIGTERM or SIGINT, then exits 0', async () => {
    expect(await exitAfter('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(await exitAfter('SIGINT')).toEqual({ code: 0, signal: null });
  });
});

describe('tarArchive', () => {
  it('writes ustar headers with valid checksums, padded to 512-byte blocks, ended by two zero blocks', () => {
    const tar = tarArchive([{ name: 'pause', data: Buffer.from('hello'), mode: 0o755 }]);
    expect(tar.length).toBe(512 + 512 + 1024);
    const h = tar.subarray(0, 512);
    expect(h.subarray(0, 5).toString()).toBe('pause');
    expect(h.subarray(257, 262).toString()).toBe('ustar');
    expect(Number.parseInt(h.subarray(124, 135).toString(), 8)).toBe(5);
    const stored = Number.parseInt(h.subarray(148, 154).toString(), 8);
    const copy = Buffer.from(h);
    copy.write('        ', 148);
    expect(stored).toBe(copy.reduce((a, b) => a + b, 0));
    expect(tar.subarray(512, 517).toString()).toBe('hello');
    expect(tar.subarray(1024).every((b) => b === 0)).toBe(true);
  });
});
