// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClusterConnection, OnboardingState } from '../../renderer/src/connection/ClusterConnection.ts';
import { ClusterError } from '../../renderer/src/connection/ClusterConnection.ts';
import { ConnectionProvider } from '../../renderer/src/store/ConnectionContext.tsx';
import { OnboardingView } from '../../renderer/src/views/onboarding/OnboardingView.tsx';
import { encodeSwarmKey, generateSwarmKey } from '../../shared/swarm/swarmKey.ts';
import { fakeConnection, resetStore } from './fakeViewConnection.ts';

const KEY = `${encodeSwarmKey(generateSwarmKey())}@127.0.0.1:49737`;

function renderView(connection: ClusterConnection) {
  return render(
    <ConnectionProvider connection={connection}>
      <OnboardingView />
    </ConnectionProvider>,
  );
}

/** A promise the test settles when it wants, to see the view while a call runs. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** onboarding(): not a member at first, a member once the choice is done. */
const memberOnceDone = () =>
  vi
    .fn<ClusterConnection['onboarding']>()
    .mockResolvedValueOnce({ member: false })
    .mockResolvedValue({ member: true });

const button = (name: string) => screen.getByRole('button', { name }) as HTMLButtonElement;

beforeEach(resetStore);
afterEach(cleanup);

describe('OnboardingView, not a member', () => {
  it('offers the three ways in', async () => {
    renderView(fakeConnection({ onboarding: async () => ({ member: false }) }));
    await screen.findByRole('button', { name: 'Create cluster' });
    expect(screen.getByTestId('view-onboarding')).toBeTruthy();
    expect(button('Join cluster')).toBeTruthy();
    expect(button('Start a local cluster')).toBeTruthy();
  });

  it('creates a cluster, shows progress, then the join key with copy, QR code and the command', async () => {
    const states: OnboardingState[] = [{ member: false }, { member: true, clusterName: 'home' }];
    const creating = deferred<void>();
    const connection = fakeConnection({
      onboarding: async () => states.shift() ?? { member: true },
      createCluster: () => creating.promise,
      joinKey: async () => KEY,
    });
    renderView(connection);
    fireEvent.change(await screen.findByLabelText('Cluster name'), { target: { value: ' home ' } });
    fireEvent.click(button('Create cluster'));
    expect(connection.createCluster).toHaveBeenCalledWith('home');
    expect((await screen.findByText('Creating the cluster…')).closest('[role="status"]')).toBeTruthy();
    expect(button('Join cluster').disabled).toBe(true);
    await act(async () => creating.resolve());
    expect((await screen.findByTestId('join-key')).textContent).toBe(KEY);
    expect(screen.getByText(/Cluster “home” created/)).toBeTruthy();
    expect(screen.getByTestId('join-command').textContent).toBe(`shoal agent --join ${KEY}`);
    expect(screen.getByTestId('cluster-name').textContent).toBe('home');
    const qr = await screen.findByTestId('join-key-qr');
    expect(qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
  });

  it('shows why creating failed', async () => {
    renderView(
      fakeConnection({
        onboarding: async () => ({ member: false }),
        createCluster: async () => {
          throw new ClusterError('this peer already belongs to a cluster', 409);
        },
      }),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Create cluster' }));
    expect((await screen.findByRole('alert')).textContent).toBe('this peer already belongs to a cluster');
    expect(button('Create cluster').disabled).toBe(false);
  });

  it('checks a pasted key before joining, and sends it trimmed', async () => {
    const connection = fakeConnection({
      onboarding: memberOnceDone(),
      joinCluster: async () => {},
      joinKey: async () => KEY,
    });
    renderView(connection);
    const input = await screen.findByLabelText('Join key');
    expect(button('Join cluster').disabled).toBe(true);
    fireEvent.change(input, { target: { value: 'shoal1abc' } });
    expect(screen.getByTestId('join-key-problem').textContent).toBe(
      'a swarm key has 64 characters; this one has 9 (was it cut off or pasted twice?)',
    );
    expect(button('Join cluster').disabled).toBe(true);
    fireEvent.change(input, { target: { value: `${KEY.replace('127.0.0.1:49737', '127.0.0.1:0')}` } });
    expect(screen.getByTestId('join-key-problem').textContent).toContain('port "0"');
    fireEvent.change(input, { target: { value: `  ${KEY}\n` } });
    expect(screen.getByTestId('join-key-problem').textContent).toBe('');
    fireEvent.click(button('Join cluster'));
    expect(connection.joinCluster).toHaveBeenCalledWith(KEY);
    expect(await screen.findByText(/Joined the cluster/)).toBeTruthy();
  });

  it('shows why joining failed', async () => {
    renderView(
      fakeConnection({
        onboarding: async () => ({ member: false }),
        joinCluster: async () => {
          throw new ClusterError(
            'the swarm key checksum does not match: a character was mistyped or changed',
            400,
          );
        },
      }),
    );
    fireEvent.change(await screen.findByLabelText('Join key'), { target: { value: KEY } });
    fireEvent.click(button('Join cluster'));
    expect((await screen.findByRole('alert')).textContent).toContain('checksum does not match');
  });

  it('starts a local cluster of 3 agents by default, from 1 to 5', async () => {
    const connection = fakeConnection({
      onboarding: memberOnceDone(),
      startLocalCluster: async () => {},
      joinKey: async () => KEY,
    });
    renderView(connection);
    const agents = (await screen.findByLabelText('Number of agents')) as HTMLInputElement;
    expect(agents.value).toBe('3');
    fireEvent.change(agents, { target: { value: '6' } });
    expect(button('Start a local cluster').disabled).toBe(true);
    expect(screen.getByText('choose from 1 to 5 agents')).toBeTruthy();
    fireEvent.change(agents, { target: { value: '5' } });
    fireEvent.click(button('Start a local cluster'));
    expect(connection.startLocalCluster).toHaveBeenCalledWith(5);
    expect(await screen.findByText(/Local cluster started with 5 agents/)).toBeTruthy();
  });
});

describe('OnboardingView, a member', () => {
  it('shows how to add a machine, and copies the key', async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    renderView(
      fakeConnection({
        onboarding: async () => ({ member: true, clusterName: 'lab', dataDir: '/home/me/.shoal' }),
        joinKey: async () => KEY,
      }),
    );
    expect(await screen.findByRole('heading', { name: 'Add a machine' })).toBeTruthy();
    expect((await screen.findByTestId('join-key')).textContent).toBe(KEY);
    fireEvent.click(button('Copy join key'));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(KEY));
    expect(await screen.findByText('Copied')).toBeTruthy();
    fireEvent.click(button('Copy join command'));
    await waitFor(() => expect(writeText).toHaveBeenLastCalledWith(`shoal agent --join ${KEY}`));
    expect(screen.queryByRole('button', { name: 'Create cluster' })).toBeNull();
  });

  it('says when the peer cannot be reached, and tries again', async () => {
    const onboarding = vi
      .fn<ClusterConnection['onboarding']>()
      .mockRejectedValueOnce(new ClusterError('connection refused', 503))
      .mockResolvedValue({ member: false });
    renderView(fakeConnection({ onboarding }));
    expect((await screen.findByRole('alert')).textContent).toContain('connection refused');
    fireEvent.click(button('Try again'));
    expect(await screen.findByRole('button', { name: 'Create cluster' })).toBeTruthy();
  });
});
