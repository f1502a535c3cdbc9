// The selected pod: what `kubectl describe pod` tells (labels, node, IPs, conditions, containers and their
// states, events), its logs and a shell, in three tabs. Logs and the shell are mounted only while their tab
// is open, so leaving the tab stops the stream or ends the session.

import { lazy, type ReactNode, Suspense } from 'react';
import { navigate, routeHash } from '../../app/router.ts';
import { Age } from '../../components/Age.tsx';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { DetailsHeader } from '../../components/DetailsHeader.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { useConnection } from '../../store/ConnectionContext.tsx';
import { useObject } from '../../store/hooks.ts';
import { ActionError } from '../workloads/ActionError.tsx';
import { useAction } from '../workloads/useAction.ts';
import { describeState } from './containerState.ts';
import { LogViewer } from './LogViewer.tsx';
import { PodEvents } from './PodEvents.tsx';
import { cachedPodSummary } from './podStatus.ts';

// xterm.js loads when a shell is first opened.
const ExecTerminal = lazy(() => import('./ExecTerminal.tsx').then((m) => ({ default: m.ExecTerminal })));

const TABS = [
  { id: 'details', label: 'Details' },
  { id: 'logs', label: 'Logs' },
  { id: 'shell', label: 'Shell' },
] as const;
type TabId = (typeof TABS)[number]['id'];

function Labels({ labels }: { labels: Record<string, string> | undefined }) {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <span className="muted">none</span>;
  return (
    <span className="label-chips">
      {entries.map(([k, v]) => (
        <code key={k} className="label-chip">
          {k}={v}
        </code>
      ))}
    </span>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="details-section" aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

export function PodDetails({
  namespace,
  name,
  tab: tabParam,
  onClose,
}: {
  namespace: string;
  name: string;
  tab: string | undefined;
  onClose(): void;
}) {
  const pod = useObject('Pod', namespace, name);
  const connection = useConnection();
  const remove = useAction();
  const tab: TabId = TABS.some((t) => t.id === tabParam) ? (tabParam as TabId) : 'details';
  const goTab = (id: TabId) =>
    navigate(id === 'details' ? routeHash('pods', namespace, name) : routeHash('pods', namespace, name, id));

  const header = <DetailsHeader kind="Pod" namespace={namespace} name={name} onClose={onClose} />;

  if (!pod) {
    return (
      <aside className="details-panel pod-details" aria-label={`Pod ${name}`} data-testid="pod-details">
        {header}
        <p className="muted">This pod does not exist (any more). It may have been deleted or replaced.</p>
      </aside>
    );
  }

  const summary = cachedPodSummary(pod);
  const status = pod.status ?? {};
  const containers = [
    ...(pod.spec.initContainers ?? []).map((c) => ({ name: c.name, image: c.image, init: true })),
    ...pod.spec.containers.map((c) => ({ name: c.name, image: c.image, init: false })),
  ];
  const statuses = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
  const ips = status.podIPs?.map((p) => p.ip) ?? (status.podIP ? [status.podIP] : []);
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller);
  const appContainers = pod.spec.containers.map((c) => c.name);
  const allContainers = containers.map((c) => c.name);

  return (
    <aside className="details-panel pod-details" aria-label={`Pod ${name}`} data-testid="pod-details">
      {header}
      <div className="action-row">
        <StatusBadge tone={summary.tone}>{summary.status}</StatusBadge>
        <span className="muted">{summary.ready} ready</span>
        <span className="spacer" />
        <ConfirmButton
          busy={remove.pending}
          confirmLabel={`Confirm delete of ${name}`}
          onConfirm={() => void remove.run(() => connection.delete('Pod', namespace, name))}
        >
          Delete
        </ConfirmButton>
      </div>
      <ActionError message={remove.error} onDismiss={remove.clearError} />
      <div className="kind-tabs" role="tablist" aria-label="Pod">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={t.id === tab}
            className={`kind-tab${t.id === tab ? ' active' : ''}`}
            onClick={() => goTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {tab === 'details' && (
        <div role="tabpanel" aria-label="Details" className="pod-tab-panel">
          <dl className="kv">
            <dt>Node</dt>
            <dd>{pod.spec.nodeName ?? <span className="muted">not scheduled</span>}</dd>
            <dt>Pod IPs</dt>
            <dd className="mono">{ips.length > 0 ? ips.join(', ') : <span className="muted">none</span>}</dd>
            <dt>Host IP</dt>
            <dd className="mono">{status.hostIP ?? <span className="muted">none</span>}</dd>
            <dt>Phase</dt>
            <dd>{status.phase ?? 'Pending'}</dd>
            {status.message && (
              <>
                <dt>Message</dt>
                <dd>{status.message}</dd>
              </>
            )}
            <dt>Created</dt>
            <dd>
              <Age timestamp={pod.metadata.creationTimestamp} /> ago
            </dd>
            <dt>Controlled by</dt>
            <dd>{owner ? `${owner.kind}/${owner.name}` : <span className="muted">none</span>}</dd>
            <dt>Labels</dt>
            <dd>
              <Labels labels={pod.metadata.labels} />
            </dd>
          </dl>
          <Section title="Conditions">
            {(status.conditions ?? []).length === 0 ? (
              <p className="muted">No conditions reported yet.</p>
            ) : (
              <ul className="condition-list">
                {(status.conditions ?? []).map((c) => (
                  <li key={c.type}>
                    <StatusBadge tone={c.status === 'True' ? 'ok' : c.status === 'False' ? 'warn' : 'idle'}>
                      {c.type}
                    </StatusBadge>
                    <span>{c.status}</span>
                    {c.reason && <span className="muted">{c.reason}</span>}
                    {c.message && <span>{c.message}</span>}
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <Section title="Containers">
            <ul className="container-list">
              {containers.map((c) => {
                const cs = statuses.find((s) => s.name === c.name);
                const state = describeState(cs?.state);
                const last = cs?.lastState?.terminated ? describeState(cs.lastState) : undefined;
                return (
                  <li key={c.name} data-testid={`container-${c.name}`}>
                    <div className="container-head">
                      <strong>{c.name}</strong>
                      {c.init && <span className="muted">init</span>}
                      <StatusBadge tone={state.tone}>{state.label}</StatusBadge>
                      <span className="muted">
                        {cs?.ready ? 'ready' : 'not ready'} · {cs?.restartCount ?? 0} restarts
                      </span>
                    </div>
                    <div className="mono muted">{c.image}</div>
                    {state.detail && <div className="muted">{state.detail}</div>}
                    {last && (
                      <div className="muted">
                        Last state: {last.label}
                        {last.detail ? ` (${last.detail})` : ''}
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          </Section>
          <Section title="Events">
            <PodEvents namespace={namespace} name={name} />
          </Section>
        </div>
      )}
      {tab === 'logs' && (
        <div role="tabpanel" aria-label="Logs" className="pod-tab-panel">
          <LogViewer
            namespace={namespace}
            pod={name}
            containers={allContainers}
            defaultContainer={appContainers[0]}
          />
        </div>
      )}
      {tab === 'shell' && (
        <div role="tabpanel" aria-label="Shell" className="pod-tab-panel">
          <Suspense fallback={<p className="muted">Loading the terminal…</p>}>
            <ExecTerminal namespace={namespace} pod={name} containers={appContainers} />
          </Suspense>
        </div>
      )}
    </aside>
  );
}
