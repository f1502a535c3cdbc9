// Services: kubectl's columns plus endpoint readiness, and a details panel with ports, endpoints and
// "Open in browser" for node ports.
import { useMemo, useState } from 'react';
import { formatServicePorts } from '../../../../shared/display/servicePorts.ts';
import { objectKey } from '../../../../shared/model/meta.ts';
import type { Endpoints, Service } from '../../../../shared/model/types.ts';
import { navigate } from '../../app/router.ts';
import { Age } from '../../components/Age.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Loading } from '../../components/Loading.tsx';
import { type Column, Table } from '../../components/Table.tsx';
import { useConnection } from '../../store/ConnectionContext.tsx';
import { useClusterStore } from '../../store/clusterStore.ts';
import { useObjects } from '../../store/hooks.ts';
import { ServiceDetails } from './ServiceDetails.tsx';
import { countEndpoints, formatSelector, nodePortHost } from './serviceFormat.ts';
import './services.css';

type EndpointsMap = ReadonlyMap<string, Endpoints>;

function endpointsCell(ep: Endpoints | undefined) {
  if (!ep) return <span className="muted">-</span>;
  const { ready, total } = countEndpoints(ep);
  const tone = total === 0 || ready < total ? 'warn' : 'ok';
  return (
    <span className={`endpoint-count ${tone}`} title={`${ready} ready of ${total}`}>
      {ready}/{total}
    </span>
  );
}

function columns(endpoints: EndpointsMap, showNamespace: boolean): Column<Service>[] {
  const epOf = (svc: Service) => endpoints.get(objectKey(svc));
  const all: Column<Service>[] = [
    {
      key: 'namespace',
      header: 'NAMESPACE',
      render: (s) => s.metadata.namespace,
      sortValue: (s) => s.metadata.namespace ?? '',
    },
    { key: 'name', header: 'NAME', render: (s) => s.metadata.name, sortValue: (s) => s.metadata.name },
    {
      key: 'type',
      header: 'TYPE',
      render: (s) => s.spec.type ?? 'ClusterIP',
      sortValue: (s) => s.spec.type ?? 'ClusterIP',
    },
    { key: 'ports', header: 'PORTS', render: formatServicePorts },
    { key: 'selector', header: 'SELECTOR', render: (s) => formatSelector(s.spec.selector) },
    {
      key: 'endpoints',
      header: 'ENDPOINTS',
      render: (s) => endpointsCell(epOf(s)),
      sortValue: (s) => countEndpoints(epOf(s)).ready,
      align: 'right',
    },
    {
      key: 'age',
      header: 'AGE',
      render: (s) => <Age timestamp={s.metadata.creationTimestamp} />,
      sortValue: (s) => s.metadata.creationTimestamp ?? '',
    },
  ];
  return showNamespace ? all : all.filter((c) => c.key !== 'namespace');
}

export function ServicesView() {
  const connection = useConnection();
  const services = useObjects('Service');
  const endpoints = useClusterStore((s) => s.objects.Endpoints);
  const showNamespace = useClusterStore((s) => s.namespace === '');
  const synced = useClusterStore((s) => s.synced);
  const [selectedKey, setSelectedKey] = useState<string | undefined>();
  const cols = useMemo(() => columns(endpoints, showNamespace), [endpoints, showNamespace]);
  const selected = selectedKey ? services.find((s) => objectKey(s) === selectedKey) : undefined;
  const host = nodePortHost(connection.transport, window.location.hostname);

  return (
    <div className="view services-view" data-testid="view-services">
      <header className="view-header">
        <h1 className="view-title">Services</h1>
      </header>
      <div className={selected ? 'list-with-details' : 'list-only'}>
        <Table
          label="Services"
          columns={cols}
          rows={services}
          rowKey={objectKey}
          selectedKey={selected ? selectedKey : undefined}
          onRowClick={(s) => setSelectedKey((k) => (k === objectKey(s) ? undefined : objectKey(s)))}
          empty={
            synced ? (
              <EmptyState
                title="No services"
                hint="A Service gives pods one stable address. The templates create one with each web server or database."
                action={
                  <button type="button" className="btn" onClick={() => navigate('#/templates')}>
                    Open templates
                  </button>
                }
              />
            ) : (
              <Loading label="Loading services…" />
            )
          }
        />
        {selected && (
          <ServiceDetails
            service={selected}
            endpoints={endpoints.get(objectKey(selected))}
            host={host}
            onClose={() => setSelectedKey(undefined)}
          />
        )}
      </div>
    </div>
  );
}
