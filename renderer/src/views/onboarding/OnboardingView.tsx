// Onboarding: a peer that belongs to no cluster offers to create, join or start one; a member shows how
// to add a machine (the join key, its QR code and the command).
import { useCallback, useEffect, useState } from 'react';
import { navigate } from '../../app/router.ts';
import { ErrorState } from '../../components/ErrorState.tsx';
import { errorMessage } from '../../components/errorMessage.ts';
import { Loading } from '../../components/Loading.tsx';
import type { OnboardingState } from '../../connection/ClusterConnection.ts';
import { useConnection } from '../../store/ConnectionContext.tsx';
import { JoinKeyPanel } from './JoinKeyPanel.tsx';
import { type ChoiceDone, OnboardingChoices } from './OnboardingChoices.tsx';
import './onboarding.css';

type Loaded<T> =
  | { status: 'loading' }
  | { status: 'failed'; message: string }
  | { status: 'ready'; value: T };

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
  const [key, setKey] = useState<Loaded<string>>({ status: 'loading' });
  const load = useCallback(() => {
    setKey({ status: 'loading' });
    connection.joinKey().then(
      (value) => setKey({ status: 'ready', value }),
      (err: unknown) => setKey({ status: 'failed', message: errorMessage(err) }),
    );
  }, [connection]);
  useEffect(load, [load]);
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
  const [state, setState] = useState<Loaded<OnboardingState>>({ status: 'loading' });
  const [done, setDone] = useState<ChoiceDone | undefined>();
  const load = useCallback(() => {
    setState({ status: 'loading' });
    connection.onboarding().then(
      (value) => setState({ status: 'ready', value }),
      (err: unknown) => setState({ status: 'failed', message: errorMessage(err) }),
    );
  }, [connection]);
  useEffect(load, [load]);

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
