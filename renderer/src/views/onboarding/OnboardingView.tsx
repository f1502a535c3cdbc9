// Onboarding: a peer that belongs to no cluster offers to create, join or start one; a member shows how
// to add a machine (the join key, its QR code and the command).
import { useCallback, useState } from 'react';
import { navigate } from '../../app/router.ts';
import { ErrorState } from '../../components/ErrorState.tsx';
import { Loading } from '../../components/Loading.tsx';
import { useConnection } from '../../store/ConnectionContext.tsx';
import { JoinKeyPanel } from './JoinKeyPanel.tsx';
import { type ChoiceDone, OnboardingChoices } from './OnboardingChoices.tsx';
import { useLoaded } from './useLoaded.ts';
import './onboarding.css';

function doneMessage(done: ChoiceDone): string {
  switch (done.action) {
    case 'create':
      return `Cluster “${done.clusterName}” created.`;
    case 'join':
      return 'Joined the cluster.';
    case 'local':
      return `Local cluster started with ${done.agents} agent${done.agents === 1 ? '' : 's'}.`;
  }
}

function AddMachine() {
  const connection = useConnection();
  const [key, load] = useLoaded(useCallback(() => connection.joinKey(), [connection]));
  return (
    <section className="onboarding-add" aria-labelledby="onboarding-add-title">
      <h3 id="onboarding-add-title">Add a machine</h3>
      {key.status === 'loading' && <Loading label="Reading the join key…" />}
      {key.status === 'failed' && (
        <ErrorState message={`Could not read the join key: ${key.message}`} retry={load} />
      )}
      {key.status === 'ready' && <JoinKeyPanel joinKey={key.value} />}
    </section>
  );
}

export function OnboardingView() {
  const connection = useConnection();
  const [state, load] = useLoaded(useCallback(() => connection.onboarding(), [connection]));
  const [done, setDone] = useState<ChoiceDone | undefined>();

  const finished = (d: ChoiceDone) => {
    setDone(d);
    load();
  };

  return (
    <div className="view onboarding-view" data-testid="view-onboarding">
      <header className="view-header">
        <h1 className="view-title">
          {state.status === 'ready' && state.value.member ? 'Your cluster' : 'Get started'}
        </h1>
      </header>
      {done && (
        <p className="onboarding-done" role="status">
          {doneMessage(done)}{' '}
          <button type="button" className="btn btn-ghost" onClick={() => navigate('#/overview')}>
            Go to the overview
          </button>
        </p>
      )}
      {state.status === 'loading' && <Loading label="Asking this peer whether it belongs to a cluster…" />}
      {state.status === 'failed' && (
        <ErrorState message={`Could not reach this peer: ${state.message}`} retry={load} />
      )}
      {state.status === 'ready' && !state.value.member && (
        <>
          <p className="view-hint">This peer belongs to no cluster yet. Choose how to start:</p>
          <OnboardingChoices onDone={finished} />
        </>
      )}
      {state.status === 'ready' && state.value.member && (
        <>
          <dl className="kv onboarding-facts">
            {state.value.clusterName && (
              <>
                <dt>Cluster</dt>
                <dd data-testid="cluster-name">{state.value.clusterName}</dd>
              </>
            )}
            {state.value.dataDir && (
              <>
                <dt>Data directory</dt>
                <dd>
                  <code>{state.value.dataDir}</code>
                </dd>
              </>
            )}
            {state.value.runsWorkloads !== undefined && (
              <>
                <dt>Workloads on this computer</dt>
                <dd>{state.value.runsWorkloads ? 'yes' : 'no'}</dd>
              </>
            )}
          </dl>
          <AddMachine />
        </>
      )}
    </div>
  );
}
