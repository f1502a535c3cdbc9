// The frame every workload's details share: the header, the images and the kind's own facts in one list,
// then the kind's controls and pods.
import type { ReactNode } from 'react';
import type { PodTemplate } from '../../../../shared/model/types.ts';
import { DetailsHeader } from '../../components/DetailsHeader.tsx';

export interface WorkloadPanelProps {
  kind: string;
  workload: { metadata: { name: string; namespace?: string }; spec: { template: PodTemplate } };
  testId: string;
  onClose(): void;
  /** More `<dt>`/`<dd>` pairs after Images. */
  facts?: ReactNode;
  children: ReactNode;
}

export function WorkloadPanel({ kind, workload, testId, onClose, facts, children }: WorkloadPanelProps) {
  const namespace = workload.metadata.namespace ?? 'default';
  const name = workload.metadata.name;
  return (
    <aside className="details-panel" aria-label={`${kind} ${name}`} data-testid={testId}>
      <DetailsHeader kind={kind} namespace={namespace} name={name} onClose={onClose} />
      <dl className="kv">
        <dt>Images</dt>
        <dd className="mono">{workload.spec.template.spec.containers.map((c) => c.image).join(', ')}</dd>
        {facts}
      </dl>
      {children}
    </aside>
  );
}
