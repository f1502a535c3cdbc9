// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ClusterConnection, ClusterError } from '../../renderer/src/connection/ClusterConnection.ts';
import { ConnectionProvider } from '../../renderer/src/store/ConnectionContext.tsx';
import { useClusterStore } from '../../renderer/src/store/clusterStore.ts';
import { emptyObjectMaps } from '../../renderer/src/store/objectMaps.ts';
import { WorkloadsView } from '../../renderer/src/views/workloads/WorkloadsView.tsx';
import type { DaemonSet, Deployment, Job, ReplicaSet } from '../../shared/model/types.ts';
import { fakeConnection, resetStore } from './fakeViewConnection.ts';
import { ROLLED_OUT_CONDITIONS, webDeployment, webReplicaSet, webTemplate } from './fixtures.ts';

const created = new Date(Date.now() - 10 * 60_000).toISOString();

function deployment(
  replicas: number,
  status: Deployment['status'],
  overrides: Partial<Deployment['metadata']> = {},
): Deployment {
  return webDeployment(replicas, status, { generation: 2, creationTimestamp: created, ...overrides });
}

function replicaSet(name: string, revision: number, image: string, replicas: number): ReplicaSet {
  return webReplicaSet(name, { revision: String(revision), image, replicas, created });
}

const rolling = deployment(3, {
  observedGeneration: 2,
  replicas: 4,
  updatedReplicas: 2,
  readyReplicas: 2,
  availableReplicas: 2,
  conditions: [
    {
      type: 'Available',
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
      message: 'Deployment does not have minimum availability.',
    },
    {
      type: 'Progressing',
      status: 'True',
      reason: 'ReplicaSetUpdated',
      message: 'ReplicaSet "web-c" is progressing.',
    },
  ],
});
const REPLICA_SETS = [
  replicaSet('web-a', 1, 'nginx:1.25', 0),
  replicaSet('web-b', 2, 'nginx:1.26', 2),
  replicaSet('web-c', 3, 'nginx:1.27', 2),
];
const agent = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'default', creationTimestamp: created },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: {
      ...webTemplate('agent:1'),
      spec: { containers: [{ name: 'a', image: 'agent:1' }], nodeSelector: { os: 'linux' } },
    },
  },
  status: {
    desiredNumberScheduled: 3,
    currentNumberScheduled: 3,
    numberReady: 3,
    numberMisscheduled: 0,
    updatedNumberScheduled: 3,
    numberAvailable: 3,
  },
} as unknown as DaemonSet;
const job = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate', namespace: 'default', creationTimestamp: created },
  spec: { completions: 2, template: webTemplate('migrate:1') },
  status: {
    succeeded: 2,
    startTime: '2026-01-01T00:00:00Z',
    completionTime: '2026-01-01T00:00:42Z',
    conditions: [{ type: 'Complete', status: 'True' }],
  },
} as unknown as Job;

function fill(deployments: Deployment[], replicaSets: ReplicaSet[] = REPLICA_SETS): void {
  const key = (o: { metadata: { namespace?: string; name: string } }) =>
    `${o.metadata.namespace}/${o.metadata.name}`;
  useClusterStore.setState({
    objects: {
      ...emptyObjectMaps(),
      Deployment: new Map(deployments.map((d) => [key(d), d])),
      ReplicaSet: new Map(replicaSets.map((r) => [key(r), r])),
      DaemonSet: new Map([[key(agent), agent]]),
      Job: new Map([[key(job), job]]),
    },
  });
}

function setDeployment(d: Deployment): void {
  act(() => {
    useClusterStore.setState((s) => ({
      objects: { ...s.objects, Deployment: new Map([['default/web', d]]) },
    }));
  });
}

function renderView(connection: ClusterConnection) {
  return render(
    <ConnectionProvider connection={connection}>
      <WorkloadsView />
    </ConnectionProvider>,
  );
}

function cells(testId: string): string[] {
  return within(screen.getByTestId(testId))
    .getAllByRole('cell')
    .map((c) => c.textContent ?? '');
}

/** Selecting a row changes the hash; the view follows on the hashchange event, which comes asynchronously. */
function openDeployment(): Promise<HTMLElement> {
  fireEvent.click(screen.getByTestId('row-deployment-web'));
  return screen.findByTestId('deployment-details');
}

beforeEach(() => {
  resetStore();
  useClusterStore.setState({ namespace: 'default' });
  window.location.hash = '#/workloads';
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('WorkloadsView tables', () => {
  it('shows each kind with kubectl status columns, one tab each', async () => {
    fill([rolling]);
    renderView(fakeConnection());
    expect(screen.getByTestId('view-workloads')).toBeTruthy();
    expect(cells('row-deployment-web')).toEqual(['web', '2/3', '2', '2', '10m']);
    fireEvent.click(screen.getByRole('tab', { name: /ReplicaSets/ }));
    expect(window.location.hash).toBe('#/workloads/replicasets');
    await screen.findByTestId('row-replicaset-web-b');
    expect(cells('row-replicaset-web-b')).toEqual(['web-b', '2', '2', '2', '10m']);
    fireEvent.click(screen.getByRole('tab', { name: /DaemonSets/ }));
    await screen.findByTestId('row-daemonset-agent');
    expect(cells('row-daemonset-agent')).toEqual(['agent', '3', '3', '3', '3', '3', 'os=linux', '10m']);
    fireEvent.click(screen.getByRole('tab', { name: /Jobs/ }));
    await screen.findByTestId('row-job-migrate');
    expect(cells('row-job-migrate')).toEqual(['migrate', 'Complete', '2/2', '42s', '10m']);
  });

  it('says what to do when a kind has nothing in the namespace', () => {
    fill([]);
    renderView(fakeConnection());
    expect(screen.getByText('No deployments in namespace default')).toBeTruthy();
  });
});

describe('deployment details', () => {
  it('scales with − and +, counting from what was asked, and from the number typed', async () => {
    fill([rolling]);
    const scale = vi.fn(async () => {});
    renderView(fakeConnection({ scale }));
    const details = await openDeployment();
    const replicas = within(details).getByLabelText('Replicas') as HTMLInputElement;
    expect(replicas.value).toBe('3');
    fireEvent.click(within(details).getByRole('button', { name: 'Scale up' }));
    expect(scale).toHaveBeenLastCalledWith('Deployment', 'default', 'web', 4);
    await waitFor(() =>
      expect(within(details).getByRole('button', { name: 'Scale up' })).toHaveProperty('disabled', false),
    );
    expect(replicas.value).toBe('4');
    fireEvent.click(within(details).getByRole('button', { name: 'Scale up' }));
    expect(scale).toHaveBeenLastCalledWith('Deployment', 'default', 'web', 5);
    await waitFor(() => expect(replicas.value).toBe('5'));
    // The store catches up; the store is the truth again.
    setDeployment(deployment(5, rolling.status));
    await waitFor(() =>
      expect(within(details).getByRole('button', { name: 'Scale down' })).toHaveProperty('disabled', false),
    );
    fireEvent.click(within(details).getByRole('button', { name: 'Scale down' }));
    expect(scale).toHaveBeenLastCalledWith('Deployment', 'default', 'web', 4);
    await waitFor(() => expect(replicas.value).toBe('4'));

    fireEvent.change(replicas, { target: { value: '7' } });
    fireEvent.click(within(details).getByRole('button', { name: 'Scale' }));
    expect(scale).toHaveBeenLastCalledWith('Deployment', 'default', 'web', 7);
    await waitFor(() => expect(replicas.value).toBe('7'));

    fireEvent.change(replicas, { target: { value: 'lots' } });
    fireEvent.submit(replicas.form as HTMLFormElement);
    expect(within(details).getByRole('alert').textContent).toBe('replicas must be a whole number, 0 or more');
    expect(scale).toHaveBeenCalledTimes(4);
  });

  it('asks before scaling to zero, and shows a failed scale inline', async () => {
    fill([deployment(1, {})]);
    const scale = vi.fn(async () => {
      throw new ClusterError('deployments.apps "web" is forbidden: quota exceeded', 403, 'Forbidden');
    });
    renderView(fakeConnection({ scale }));
    const details = await openDeployment();
    fireEvent.click(within(details).getByRole('button', { name: 'Scale down' }));
    expect(scale).not.toHaveBeenCalled();
    expect(within(details).getByRole('group', { name: 'Confirm scale to zero' })).toBeTruthy();
    fireEvent.click(within(details).getByRole('button', { name: 'Scale to 0' }));
    expect(scale).toHaveBeenCalledWith('Deployment', 'default', 'web', 0);
    expect((await within(details).findByRole('alert')).textContent).toContain('quota exceeded');
    // The count goes back to what the store has.
    expect((within(details).getByLabelText('Replicas') as HTMLInputElement).value).toBe('1');
  });

  it('restarts after confirmation', async () => {
    fill([rolling]);
    const rolloutRestart = vi.fn(async () => {});
    renderView(fakeConnection({ rolloutRestart }));
    const details = await openDeployment();
    fireEvent.click(within(details).getByRole('button', { name: 'Restart' }));
    expect(rolloutRestart).not.toHaveBeenCalled();
    fireEvent.click(within(details).getByRole('button', { name: 'Confirm restart' }));
    expect(rolloutRestart).toHaveBeenCalledWith('default', 'web');
  });

  it('lists revisions and undoes to the chosen one, or to the previous', async () => {
    fill([rolling]);
    const rolloutUndo = vi.fn(async () => {});
    renderView(fakeConnection({ rolloutUndo }));
    const details = await openDeployment();
    const revisions = within(details).getByRole('region', { name: 'Revisions' });
    expect(revisions.textContent).toContain('#3nginx:1.27(current)');
    const picker = within(revisions).getByLabelText('Roll back to') as HTMLSelectElement;
    expect(Array.from(picker.options).map((o) => o.textContent)).toEqual([
      'Previous revision',
      'Revision 2 (nginx:1.26)',
      'Revision 1 (nginx:1.25)',
    ]);
    fireEvent.click(within(revisions).getByRole('button', { name: 'Undo' }));
    fireEvent.click(within(revisions).getByRole('button', { name: 'Confirm undo' }));
    expect(rolloutUndo).toHaveBeenLastCalledWith('default', 'web', undefined);
    await waitFor(() =>
      expect(within(revisions).getByRole('button', { name: 'Undo' })).toHaveProperty('disabled', false),
    );
    fireEvent.change(picker, { target: { value: '1' } });
    fireEvent.click(within(revisions).getByRole('button', { name: 'Undo' }));
    fireEvent.click(within(revisions).getByRole('button', { name: 'Confirm undo to revision 1' }));
    expect(rolloutUndo).toHaveBeenLastCalledWith('default', 'web', 1);
  });

  it('shows rollout progress live from the store', async () => {
    fill([rolling]);
    renderView(fakeConnection());
    const details = await openDeployment();
    expect(within(details).getByTestId('rollout-message').textContent).toContain(
      'Waiting for deployment "web" rollout to finish: 2 out of 3 new replicas have been updated...',
    );
    const updated = within(details).getByRole('progressbar', { name: 'Updated' });
    expect(updated.getAttribute('aria-valuenow')).toBe('2');
    expect(updated.getAttribute('aria-valuemax')).toBe('3');
    expect(details.textContent).toContain('ReplicaSet "web-c" is progressing.');
    expect(details.textContent).toContain('Deployment does not have minimum availability.');

    setDeployment(
      deployment(3, {
        observedGeneration: 2,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
        conditions: ROLLED_OUT_CONDITIONS,
      }),
    );
    expect(within(details).getByTestId('rollout-message').textContent).toContain(
      'deployment "web" successfully rolled out',
    );
    expect(
      within(details).getByRole('progressbar', { name: 'Available' }).getAttribute('aria-valuenow'),
    ).toBe('3');
    expect(details.textContent).toContain('has successfully progressed.');
    expect(cells('row-deployment-web')).toEqual(['web', '3/3', '3', '3', '10m']);
  });
});

describe('replica set details', () => {
  it('scales a replica set', async () => {
    fill([rolling]);
    const scale = vi.fn(async () => {});
    window.location.hash = '#/workloads/replicasets';
    renderView(fakeConnection({ scale }));
    fireEvent.click(screen.getByTestId('row-replicaset-web-b'));
    const details = await screen.findByTestId('replicaset-details');
    expect(details.textContent).toContain('Deployment/web');
    fireEvent.click(within(details).getByRole('button', { name: 'Scale up' }));
    expect(scale).toHaveBeenCalledWith('ReplicaSet', 'default', 'web-b', 3);
  });
});
