// The three ways into a cluster for a peer that belongs to none: create one, join one with a key, or
// start a local one on this machine (as `shoal up` does).
import { type ReactNode, useState } from 'react';
import { useConnection } from '../../store/ConnectionContext.tsx';
import { joinKeyProblem } from './joinKeyShape.ts';

export type ChoiceDone =
  | { action: 'create'; clusterName: string }
  | { action: 'join' }
  | { action: 'local'; agents: number };

type Action = ChoiceDone['action'];

const PROGRESS: Record<Action, string> = {
  create: 'Creating the cluster…',
  join: 'Joining: looking for the cluster’s peers and copying its document…',
  local: 'Starting the local cluster: a bootstrap and its agents…',
};

export const DEFAULT_LOCAL_AGENTS = 3;
export const MAX_LOCAL_AGENTS = 5;

export function localAgentsProblem(text: string): string | undefined {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  return Number.isInteger(n) && n >= 1 && n <= MAX_LOCAL_AGENTS
    ? undefined
    : `choose from 1 to ${MAX_LOCAL_AGENTS} agents`;
}

export function OnboardingChoices({ onDone }: { onDone(done: ChoiceDone): void }) {
  const connection = useConnection();
  const [clusterName, setClusterName] = useState('shoal');
  const [key, setKey] = useState('');
  const [agents, setAgents] = useState(String(DEFAULT_LOCAL_AGENTS));
  const [busy, setBusy] = useState<Action | undefined>();
  const [failure, setFailure] = useState<{ action: Action; message: string } | undefined>();
  const [touchedKey, setTouchedKey] = useState(false);

  const nameProblem = clusterName.trim() === '' ? 'give the cluster a name' : undefined;
  const keyProblem = key.trim() === '' ? 'paste the key from a machine of the cluster' : joinKeyProblem(key);
  const agentsProblem = localAgentsProblem(agents);

  const run = async (action: Action, call: () => Promise<void>, done: ChoiceDone) => {
    setBusy(action);
    setFailure(undefined);
    try {
      await call();
      onDone(done);
    } catch (err) {
      setFailure({ action, message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(undefined);
    }
  };

  const card = { busy, failure };

  return (
    <div className="onboarding-choices">
      <ChoiceCard
        {...card}
        action="create"
        title="A new cluster"
        submitLabel="Create cluster"
        problem={nameProblem}
        onSubmit={() => {
          const name = clusterName.trim();
          if (!nameProblem)
            void run('create', () => connection.createCluster(name), { action: 'create', clusterName: name });
        }}
      >
        <p>This machine becomes the cluster’s first member; others join with the key it gives you.</p>
        <label htmlFor="onboarding-cluster-name">Cluster name</label>
        <input
          className="input"
          id="onboarding-cluster-name"
          value={clusterName}
          onChange={(e) => setClusterName(e.target.value)}
          autoComplete="off"
          aria-invalid={nameProblem ? true : undefined}
        />
        {nameProblem && <span className="field-error">{nameProblem}</span>}
      </ChoiceCard>

      <ChoiceCard
        {...card}
        action="join"
        title="An existing cluster"
        submitLabel="Join cluster"
        problem={keyProblem}
        onSubmit={() => {
          setTouchedKey(true);
          if (!keyProblem) void run('join', () => connection.joinCluster(key.trim()), { action: 'join' });
        }}
      >
        <p>
          Paste the join key shown on a machine of the cluster (Add a machine), or printed by{' '}
          <code>shoal init</code>.
        </p>
        <label htmlFor="onboarding-join-key">Join key</label>
        <textarea
          id="onboarding-join-key"
          value={key}
          rows={3}
          spellCheck={false}
          placeholder="shoal1…"
          onChange={(e) => setKey(e.target.value)}
          onBlur={() => setTouchedKey(true)}
          aria-invalid={touchedKey && keyProblem ? true : undefined}
          aria-describedby="onboarding-join-key-problem"
        />
        <span id="onboarding-join-key-problem" className="field-error" data-testid="join-key-problem">
          {touchedKey || key !== '' ? keyProblem : undefined}
        </span>
      </ChoiceCard>

      <ChoiceCard
        {...card}
        action="local"
        title="A local cluster"
        submitLabel="Start a local cluster"
        problem={agentsProblem}
        onSubmit={() => {
          const n = Number(agents.trim());
          if (!agentsProblem)
            void run('local', () => connection.startLocalCluster(n), { action: 'local', agents: n });
        }}
      >
        <p>
          Several agents on this machine, to try Shoal out (the same as <code>shoal up</code>).
        </p>
        <label htmlFor="onboarding-agents">Number of agents</label>
        <input
          className="input"
          id="onboarding-agents"
          type="number"
          min={1}
          max={MAX_LOCAL_AGENTS}
          value={agents}
          onChange={(e) => setAgents(e.target.value)}
          aria-invalid={agentsProblem ? true : undefined}
        />
        {agentsProblem && <span className="field-error">{agentsProblem}</span>}
      </ChoiceCard>
    </div>
  );
}

interface ChoiceCardProps {
  action: Action;
  title: string;
  submitLabel: string;
  /** What stops the submit, if anything. */
  problem: string | undefined;
  /** The action under way, on any card: one at a time. */
  busy: Action | undefined;
  failure: { action: Action; message: string } | undefined;
  onSubmit(): void;
  /** The card's explanation and fields, between its title and its submit button. */
  children: ReactNode;
}

/** One way in: a form titled `title`, its fields, the submit button, then its progress or failure. */
function ChoiceCard({
  action,
  title,
  submitLabel,
  problem,
  busy,
  failure,
  onSubmit,
  children,
}: ChoiceCardProps) {
  const headingId = `onboarding-${action}`;
  return (
    <form
      className="onboarding-card"
      aria-labelledby={headingId}
      aria-busy={busy === action}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <h3 id={headingId}>{title}</h3>
      {children}
      <button
        type="submit"
        className="btn btn-primary"
        disabled={busy !== undefined || problem !== undefined}
      >
        {submitLabel}
      </button>
      {busy === action && (
        <p className="onboarding-progress" role="status">
          <span className="spinner" aria-hidden="true" /> {PROGRESS[action]}
        </p>
      )}
      {failure?.action === action && (
        <p className="onboarding-failure" role="alert">
          {failure.message}
        </p>
      )}
    </form>
  );
}
