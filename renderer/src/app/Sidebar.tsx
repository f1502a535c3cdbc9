// The shell's left column: the cluster's name, the views, the namespace, the theme and the shortcuts.
import { useClusterStore } from '../store/clusterStore.ts';
import { NamespaceSwitcher } from './NamespaceSwitcher.tsx';
import { NAV_ITEMS } from './navItems.ts';
import { routeHash, type ViewName } from './router.ts';
import { ThemeToggle } from './ThemeToggle.tsx';

export function Sidebar({ current, onShowShortcuts }: { current: ViewName; onShowShortcuts: () => void }) {
  const clusterName = useClusterStore((s) => s.status?.clusterName);
  return (
    <aside className="sidebar">
      <div>
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          Shoal
        </div>
        {clusterName && (
          <span className="brand-cluster" title={`Cluster ${clusterName}`}>
            {clusterName}
          </span>
        )}
      </div>
      <nav aria-label="Views">
        <ul className="nav">
          {NAV_ITEMS.map((item) => (
            <li key={item.view}>
              <a href={routeHash(item.view)} aria-current={current === item.view ? 'page' : undefined}>
                {item.label}
                <span className="nav-key" aria-hidden="true">
                  g {item.key}
                </span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <NamespaceSwitcher />
      <div className="sidebar-footer">
        <a
          className="btn"
          href={routeHash('onboarding')}
          aria-current={current === 'onboarding' ? 'page' : undefined}
        >
          Add a machine
        </a>
        <ThemeToggle />
        <button type="button" className="btn" onClick={onShowShortcuts}>
          Keyboard shortcuts <kbd>?</kbd>
        </button>
      </div>
    </aside>
  );
}
