// The desktop app's settings, in `<app data>/settings.json`: today only "Run workloads on this computer".
// Written crash-safely; an unreadable or unknown file falls back to the defaults with a warning rather than
// keeping the app from starting.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../shared/files/atomicFile.ts';
import type { DesktopSettings } from './shoalBridge.ts';

export const SETTINGS_FILE = 'settings.json';
export const DEFAULT_SETTINGS: DesktopSettings = { runWorkloads: false };

const settingsSchema = z.object({ runWorkloads: z.boolean().default(false) });

export class SettingsFile {
  #current: DesktopSettings = { ...DEFAULT_SETTINGS };
  readonly #listeners = new Set<(s: DesktopSettings) => void>();

  private constructor(readonly path: string) {}

  /** Reads `<dir>/settings.json`; `warn` hears why a broken file was ignored. */
  static async open(dir: string, warn: (message: string) => void = () => {}): Promise<SettingsFile> {
    const file = new SettingsFile(join(dir, SETTINGS_FILE));
    let text: string | undefined;
    try {
      text = await readFile(file.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        warn(`cannot read ${file.path}: ${(err as Error).message}; using the defaults`);
    }
    if (text !== undefined) {
      let problem: string | undefined;
      try {
        const parsed = settingsSchema.safeParse(JSON.parse(text));
        if (parsed.success) file.#current = parsed.data;
        else
          problem = parsed.error.issues
            .map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`)
            .join('; ');
      } catch (err) {
        problem = (err as Error).message;
      }
      if (problem) warn(`${file.path} is not valid settings (${problem}); using the defaults`);
    }
    return file;
  }

  get(): DesktopSettings {
    return { ...this.#current };
  }

  async set(patch: Partial<DesktopSettings>): Promise<DesktopSettings> {
    const next = { ...this.#current, ...patch };
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.path, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    const changed = next.runWorkloads !== this.#current.runWorkloads;
    this.#current = next;
    if (changed) for (const listener of this.#listeners) listener(this.get());
    return this.get();
  }

  /** Called after each change that is saved. */
  onChange(listener: (s: DesktopSettings) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
