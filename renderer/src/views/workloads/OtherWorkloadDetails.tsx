// The selected daemon set or job: images, conditions, pods, and delete. They have no replicas to scale.
import type { DaemonSet, Job } from '../../../../shared/model/types.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { useConnection } from '../../store/ConnectionContext.tsx';
import { ActionError } from './ActionError.tsx';
import { useAction } from './useAction.ts';
import { WorkloadPanel } from './WorkloadPanel.tsx';
import { WorkloadPods } from './WorkloadPods.tsx';

export function OtherWorkloadDetails({ workload, onClose }: { workload: DaemonSet | Job; onClose(): void }) {
  const connection = useConnection();
  const remove = useAction();
  const namespace = workload.metadata.namespace ?? 'default';
  const name = workload.metadata.name;
  const conditions = workload.status?.conditions ?? [];
  // A job's pods are found by its selector when it has one; else by the label the job controller sets.
  const selector = workload.spec.selector ?? { matchLabels: { 'job-name': name } };
  return (
    <WorkloadPanel kind={workload.kind} workload={workload} testId="workload-details" onClose={onClose}>
      {conditions.length > 0 && (
        <ul className="condition-list">
          {conditions.map((c) => (
            <li key={c.type}>
              <StatusBadge tone={c.status === 'True' ? 'ok' : 'idle'}>{c.type}</StatusBadge>
              {c.reason && <span className="muted">{c.reason}</span>}
              {c.message && <span>{c.message}</span>}
            </li>
          ))}
        </ul>
      )}
      <div className="action-row">
        <ConfirmButton
          busy={remove.pending}
          confirmLabel={`Confirm delete of ${name}`}
          onConfirm={() =>
            void remove.run(async () => {
              await connection.delete(workload.kind, namespace, name);
              onClose();
            })
          }
        >
          Delete
        </ConfirmButton>
      </div>
      <ActionError message={remove.error} onDismiss={remove.clearError} />
      <WorkloadPods namespace={namespace} selector={selector} />
    </WorkloadPanel>
  );
}
