// Which namespace the views show: every Namespace object, plus "All namespaces".

import { useClusterStore } from '../store/clusterStore.ts';
import { useObjects } from '../store/hooks.ts';

export function NamespaceSwitcher() {
  const namespaces = useObjects('Namespace');
  const namespace = useClusterStore((s) => s.namespace);
  const setNamespace = useClusterStore((s) => s.setNamespace);
  const names = namespaces.map((n) => n.metadata.name);
  // A remembered namespace that was deleted stays selectable, so the choice is visible rather than lost.
  if (namespace && !names.includes(namespace)) names.push(namespace);
  return (
    <label className="sidebar-section">
      <span className="sidebar-label">Namespace</span>
      <select aria-label="Namespace" value={namespace} onChange={(e) => setNamespace(e.target.value)}>
        <option value="">All namespaces</option>
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
