// The selected replica set: its owner, replicas (scale) and pods. A replica set a deployment owns is
// scaled back by that deployment, which the panel says rather than hides.
import type { ReplicaSet } from '../../../../shared/model/types.ts';
import { DetailsHeader } from './DetailsHeader.tsx';
import { REVISION_ANNOTATION } from './revisions.ts';
import { ScaleControl } from './ScaleControl.tsx';
import { WorkloadPods } from './WorkloadPods.tsx';

export function ReplicaSetDetails({ replicaSet, onClose }: { replicaSet: ReplicaSet; onClose(): void }) {
  const namespace = replicaSet.metadata.namespace ?? 'default';
  const name = replicaSet.metadata.name;
  const owner = replicaSet.metadata.ownerReferences?.find((r) => r.controller);
  const revision = replicaSet.metadata.annotations?.[REVISION_ANNOTATION];
  return (
    <aside className="details-panel" aria-label={`ReplicaSet ${name}`} data-testid="replicaset-details">
      <DetailsHeader kind="ReplicaSet" namespace={namespace} name={name} onClose={onClose} />
      <dl className="kv">
        <dt>Images</dt>
        <dd className="mono">{replicaSet.spec.template.spec.containers.map((c) => c.image).join(', ')}</dd>
        <dt>Controlled by</dt>
        <dd>{owner ? `${owner.kind}/${owner.name}` : '<none>'}</dd>
        {revision && (
          <>
            <dt>Revision</dt>
            <dd>{revision}</dd>
          </>
        )}
      </dl>
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
    </aside>
  );
}
