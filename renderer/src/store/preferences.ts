// The two choices a user makes that outlive the tab: the namespace and the theme. Stored in localStorage,
// read defensively because private windows and tests may have no storage at all.

export type Theme = 'light' | 'dark';

const NAMESPACE_KEY = 'shoal.namespace';
const THEME_KEY = 'shoal.theme';

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined; // Some browsers throw on access when storage is disabled.
  }
}

function read(key: string): string | undefined {
  try {
    return storage()?.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

function write(key: string, value: string): void {
  try {
    storage()?.setItem(key, value);
  } catch {
    // Quota or disabled storage: the choice still holds for this session.
  }
}

export function loadNamespace(): string {
  return read(NAMESPACE_KEY) ?? '';
}

export function saveNamespace(ns: string): void {
  write(NAMESPACE_KEY, ns);
}

export function loadTheme(): Theme {
  const saved = read(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  const prefersDark =
    typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches === true;
  return prefersDark ? 'dark' : 'light';
}

export function saveTheme(theme: Theme): void {
  write(THEME_KEY, theme);
}
