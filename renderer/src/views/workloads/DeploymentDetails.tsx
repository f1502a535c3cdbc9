// The selected deployment: replicas (scale), rollout restart, undo to a revision, rollout progress, its
// pods, and delete. Everything reads the store, so it follows the rollout live.
import type { Deployment, ReplicaSet } from '../../../../shared/model/types.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { useConnection } from '../../store/ConnectionContext.tsx';
import { ActionError } from './ActionError.tsx';
import { RevisionUndo } from './RevisionUndo.tsx';
import { RolloutProgressPanel } from './RolloutProgressPanel.tsx';
import { ScaleControl } from './ScaleControl.tsx';
import { useAction } from './useAction.ts';
import { WorkloadPanel } from './WorkloadPanel.tsx';
import { WorkloadPods } from './WorkloadPods.tsx';

export function DeploymentDetails({
  deployment,
  replicaSets,
  onClose,
}: {
  deployment: Deployment;
  replicaSets: readonly ReplicaSet[];
  onClose(): void;
}) {
  const connection = useConnection();
  const restart = useAction();
  const remove = useAction();
  const namespace = deployment.metadata.namespace ?? 'default';
  const name = deployment.metadata.name;

  return (
    <WorkloadPanel
      kind="Deployment"
      workload={deployment}
      testId="deployment-details"
      onClose={onClose}
      facts={
        <>
          <dt>Strategy</dt>
          <dd>{deployment.spec.strategy?.type ?? 'RollingUpdate'}</dd>
          {deployment.spec.paused && (
            <>
              <dt>Paused</dt>
              <dd>yes</dd>
            </>
          )}
        </>
      }
    >
      <ScaleControl
        kind="Deployment"
        namespace={namespace}
        name={name}
        replicas={deployment.spec.replicas ?? 1}
      />
      <div className="action-row">
        <ConfirmButton
          variant="primary"
          busy={restart.pending}
          confirmLabel="Confirm restart"
          title="Replaces every pod, a few at a time (kubectl rollout restart)"
          onConfirm={() => void restart.run(() => connection.rolloutRestart(namespace, name))}
        >
          Restart
        </ConfirmButton>
        <ConfirmButton
          busy={remove.pending}
          confirmLabel={`Confirm delete of ${name}`}
          onConfirm={() =>
            void remove.run(async () => {
              await connection.delete('Deployment', namespace, name);
              onClose();
            })
          }
        >
          Delete
        </ConfirmButton>
      </div>
      <ActionError message={restart.error} onDismiss={restart.clearError} />
      <ActionError message={remove.error} onDismiss={remove.clearError} />
      <RolloutProgressPanel deployment={deployment} />
      <RevisionUndo deployment={deployment} replicaSets={replicaSets} />
      <WorkloadPods namespace={namespace} selector={deployment.spec.selector} />
    </WorkloadPanel>
  );
}
