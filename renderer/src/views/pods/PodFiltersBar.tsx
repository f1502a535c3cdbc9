// The Pods view's filters: namespace (the store's, shared with the shell's switcher), label selector,
// node and phase. A selector that does not parse is named beside the input.
import { useMemo } from 'react';
import { POD_PHASES } from '../../../../shared/model/schemas/pod.ts';
import { FilterInput } from '../../components/FilterInput.tsx';
import { useClusterStore } from '../../store/clusterStore.ts';
import { useObjects } from '../../store/hooks.ts';
import type { ParsedSelector, PodFilter } from './podFilters.ts';
import { UNSCHEDULED } from './podFilters.ts';

export interface PodFiltersBarProps {
  filter: PodFilter;
  selector: ParsedSelector;
  nodes: readonly string[];
  onChange(filter: PodFilter): void;
}

function useNamespaceChoices(current: string): string[] {
  const namespaces = useObjects('Namespace');
  return useMemo(() => {
    const names = new Set(namespaces.map((n) => n.metadata.name));
    if (current) names.add(current);
    return [...names].sort();
  }, [namespaces, current]);
}

export function PodFiltersBar({ filter, selector, nodes, onChange }: PodFiltersBarProps) {
  const namespace = useClusterStore((s) => s.namespace);
  const setNamespace = useClusterStore((s) => s.setNamespace);
  const namespaces = useNamespaceChoices(namespace);
  const filtered = filter.selector !== '' || filter.node !== '' || filter.phase !== '';
  return (
    <div className="pod-filters">
      <div className="view-toolbar">
        <label className="inline-label">
          Namespace
          <select value={namespace} onChange={(e) => setNamespace(e.target.value)}>
            <option value="">All namespaces</option>
            {namespaces.map((ns) => (
              <option key={ns} value={ns}>
                {ns}
              </option>
            ))}
          </select>
        </label>
        <FilterInput
          value={filter.selector}
          onChange={(text) => onChange({ ...filter, selector: text })}
          label="Label selector"
          placeholder="Labels: app=web,tier!=db"
        />
        <label className="inline-label">
          Node
          <select value={filter.node} onChange={(e) => onChange({ ...filter, node: e.target.value })}>
            <option value="">All nodes</option>
            {nodes.map((n) => (
              <option key={n} value={n}>
                {n === UNSCHEDULED ? 'Not scheduled' : n}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-label">
          Phase
          <select value={filter.phase} onChange={(e) => onChange({ ...filter, phase: e.target.value })}>
            <option value="">All phases</option>
            {POD_PHASES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        {filtered && (
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => onChange({ selector: '', node: '', phase: '' })}
          >
            Clear filters
          </button>
        )}
      </div>
      {!selector.ok && (
        <p className="inline-error" role="alert" data-testid="selector-error">
          Label selector: {selector.error}
        </p>
      )}
    </div>
  );
}
