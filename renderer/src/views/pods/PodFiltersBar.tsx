// The Pods view's filters: namespace (the store's, shared with the shell's switcher), label selector,
// node and phase. A selector that does not parse is named beside the input.
import { useMemo } from 'react';
import { POD_PHASES } from '../../../../shared/model/schemas/pod.ts';
import { FilterInput } from '../../components/FilterInput.tsx';
import { SelectField } from '../../components/SelectField.tsx';
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
        <SelectField
          label="Namespace"
          value={namespace}
          options={namespaces}
          allLabel="All namespaces"
          onChange={setNamespace}
        />
        <FilterInput
          value={filter.selector}
          onChange={(text) => onChange({ ...filter, selector: text })}
          label="Label selector"
          placeholder="Labels: app=web,tier!=db"
        />
        <SelectField
          label="Node"
          value={filter.node}
          options={nodes}
          allLabel="All nodes"
          optionLabel={(n) => (n === UNSCHEDULED ? 'Not scheduled' : n)}
          onChange={(node) => onChange({ ...filter, node })}
        />
        <SelectField
          label="Phase"
          value={filter.phase}
          options={POD_PHASES}
          allLabel="All phases"
          onChange={(phase) => onChange({ ...filter, phase })}
        />
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
