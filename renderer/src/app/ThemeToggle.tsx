// Light or dark; the choice is remembered (the default follows the system).
import { useClusterStore } from '../store/clusterStore.ts';

export function ThemeToggle() {
  const theme = useClusterStore((s) => s.theme);
  const setTheme = useClusterStore((s) => s.setTheme);
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="btn"
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme`}
      onClick={() => setTheme(next)}
    >
      <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span> {next === 'dark' ? 'Dark' : 'Light'}{' '}
      theme
    </button>
  );
}
