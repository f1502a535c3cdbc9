// One Service: its ports (with target and node ports, and "Open in browser" for node ports) and the
// addresses behind it, ready or not, with their pod and node.
import type { Endpoints, Service } from '../../../../shared/model/types.ts';
import { routeHash } from '../../app/router.ts';
import { StaticTable } from '../../components/StaticTable.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { endpointAddresses, formatSelector, nodePortLinks } from './serviceFormat.ts';
import { type ServiceListeners, useServiceListeners } from './useServiceListeners.ts';

export interface ServiceDetailsProps {
  service: Service;
  endpoints: Endpoints | undefined;
  /** Where node ports are reached from the user's browser. */
  host: string;
  onClose(): void;
}

const PORT_HEADERS = ['NAME', 'PORT', 'TARGET PORT', 'NODE PORT', 'PROTOCOL'];
const ENDPOINT_HEADERS = ['ADDRESS', 'READY', 'POD', 'NODE', 'PORTS'];

function openInBrowser(url: string): void {
  // In Electron, main turns window.open into the OS browser; on the web it is a new tab.
  window.open(url, '_blank', 'noopener,noreferrer');
}

export function ServiceDetails({ service, endpoints, host, onClose }: ServiceDetailsProps) {
  const { name, namespace } = service.metadata;
  const links = nodePortLinks(service, host);
  const addresses = endpointAddresses(endpoints);
  const listeners = useServiceListeners(`${namespace ?? 'default'}/${name}`, service);
  return (
    <aside className="panel service-details" aria-label={`Service ${name}`} data-testid="service-details">
      <header className="details-header">
        <h3>
          {name}
          {namespace ? <span className="details-namespace"> in {namespace}</span> : null}
        </h3>
        <button
          type="button"
          className="btn btn-ghost details-close"
          aria-label="Close details"
          onClick={onClose}
        >
          ×
        </button>
      </header>
      <dl className="kv details-facts">
        <dt>Type</dt>
        <dd>{service.spec.type ?? 'ClusterIP'}</dd>
        <dt>Cluster IP</dt>
        <dd>{service.spec.clusterIPs?.[0] ?? (service.spec.clusterIP || '<none>')}</dd>
        <dt>Selector</dt>
        <dd>{formatSelector(service.spec.selector)}</dd>
        <dt>Session affinity</dt>
        <dd>{service.spec.sessionAffinity ?? 'None'}</dd>
        <dt>Balancing</dt>
        <dd>{service.metadata.annotations?.['shoal.dev/balance'] ?? 'round-robin'}</dd>
      </dl>

      <h4>Reachable at</h4>
      <ListenerList state={listeners} />

      <h4>Ports</h4>
      {(service.spec.ports ?? []).length === 0 ? (
        <p className="details-empty">This Service has no ports.</p>
      ) : (
        <div className="table-wrap">
          <StaticTable className="table compact" label="Ports" headers={PORT_HEADERS}>
            {(service.spec.ports ?? []).map((p) => (
              <tr key={`${p.port}/${p.protocol ?? 'TCP'}`} data-testid={`service-port-${p.port}`}>
                <td>{p.name || '<unset>'}</td>
                <td>{p.port}</td>
                <td>{p.targetPort ?? p.port}</td>
                <td>{p.nodePort ?? '-'}</td>
                <td>{p.protocol ?? 'TCP'}</td>
              </tr>
            ))}
          </StaticTable>
        </div>
      )}

      {links.length > 0 && (
        <ul className="service-links" aria-label="Node ports">
          {links.map((link) => (
            <li key={link.nodePort}>
              <button
                type="button"
                className="btn"
                aria-label={`Open in browser (node port ${link.nodePort})`}
                onClick={() => openInBrowser(link.url)}
              >
                Open in browser
              </button>{' '}
              <code>{link.url}</code>
            </li>
          ))}
        </ul>
      )}

      <h4>Endpoints</h4>
      {!endpoints ? (
        <p className="details-empty">
          No Endpoints object yet: the leader writes it once it sees the Service.
        </p>
      ) : addresses.length === 0 ? (
        <p className="details-empty">
          {service.spec.selector
            ? `No pod matches ${formatSelector(service.spec.selector)}, or none is running yet.`
            : 'This Service has no selector: its Endpoints are managed by hand and are empty.'}
        </p>
      ) : (
        <div className="table-wrap">
          <StaticTable className="table compact" label="Endpoints" headers={ENDPOINT_HEADERS}>
            {addresses.map((a) => (
              <tr key={`${a.ready}/${a.pod ?? a.ip}`} data-testid={`endpoint-${a.ip}`}>
                <td>{a.ip}</td>
                <td>
                  <StatusBadge tone={a.ready ? 'ok' : 'warn'}>{a.ready ? 'Ready' : 'Not ready'}</StatusBadge>
                </td>
                <td>
                  {a.pod && namespace ? (
                    <a href={routeHash('pods', namespace, a.pod)}>{a.pod}</a>
                  ) : (
                    (a.pod ?? '-')
                  )}
                </td>
                <td>{a.node ?? '-'}</td>
                <td>{a.ports.join(', ') || '-'}</td>
              </tr>
            ))}
          </StaticTable>
        </div>
      )}
    </aside>
  );
}

/** Every agent serves every Service on its own address; this lists the answering agent's listeners. */
function ListenerList({ state }: { state: ServiceListeners }) {
  if (state.phase === 'loading') return <p className="details-empty">Asking the agent where it listens…</p>;
  if (state.phase === 'error')
    return <p className="details-empty">The agent did not say where it listens: {state.message}</p>;
  if (state.listeners.length === 0)
    return <p className="details-empty">Agent {state.node} is not listening for this Service yet.</p>;
  return (
    <ul className="plain-list" aria-label="Listeners" data-testid="service-listeners">
      {state.listeners.map((l) => {
        const where = l.address.includes(':') ? `[${l.address}]:${l.port}` : `${l.address}:${l.port}`;
        return (
          <li key={where}>
            <code>{where}</code>{' '}
            <StatusBadge tone={l.state === 'listening' ? 'ok' : l.state === 'failed' ? 'error' : 'warn'}>
              {l.state}
            </StatusBadge>
            {l.error ? <span className="muted"> {l.error.message}</span> : null}
          </li>
        );
      })}
      <li className="muted">on agent {state.node}; every agent serves it on its own address</li>
    </ul>
  );
}
