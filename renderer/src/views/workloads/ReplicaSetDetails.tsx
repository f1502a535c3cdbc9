// The selected replica set: its owner, replicas (scale) and pods. A replica set a deployment owns is
// scaled back by that deployment, which the panel says rather than hides.
import type { ReplicaSet } from '../../../../shared/model/types.ts';
import { REVISION_ANNOTATION } from './revisions.ts';
import { ScaleControl } from './ScaleControl.tsx';
import { WorkloadPanel } from './WorkloadPanel.tsx';
import { WorkloadPods } from './WorkloadPods.tsx';

export function ReplicaSetDetails({ replicaSet, onClose }: { replicaSet: ReplicaSet; onClose(): void }) {
  const namespace = replicaSet.metadata.namespace ?? 'default';
  const name = replicaSet.metadata.name;
  const owner = replicaSet.metadata.ownerReferences?.find((r) => r.controller);
  const revision = replicaSet.metadata.annotations?.[REVISION_ANNOTATION];
  return (
    <WorkloadPanel
      kind="ReplicaSet"
      workload={replicaSet}
      testId="replicaset-details"
      onClose={onClose}
      facts={
        <>
          <dt>Controlled by</dt>
          <dd>{owner ? `${owner.kind}/${owner.name}` : '<none>'}</dd>
          {revision && (
            <>
              <dt>Revision</dt>
              <dd>{revision}</dd>
            </>
          )}
        </>
      }
    >
      {owner?.kind === 'Deployment' && (
        <p className="muted">Deployment {owner.name} manages this replica set and sets its replicas back.</p>
      )}
      <ScaleControl
        kind="ReplicaSet"
        namespace={namespace}
        name={name}
        replicas={replicaSet.spec.replicas ?? 1}
      />
      <WorkloadPods namespace={namespace} selector={replicaSet.spec.selector} />
    </WorkloadPanel>
  );
}
