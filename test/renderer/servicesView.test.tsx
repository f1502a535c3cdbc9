// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClusterConnection } from '../../renderer/src/connection/ClusterConnection.ts';
import { ConnectionProvider } from '../../renderer/src/store/ConnectionContext.tsx';
import { useClusterStore } from '../../renderer/src/store/clusterStore.ts';
import { emptyObjectMaps } from '../../renderer/src/store/objectMaps.ts';
import { ServicesView } from '../../renderer/src/views/services/ServicesView.tsx';
import type { Endpoints, Service } from '../../shared/model/types.ts';
import { fakeConnection, resetStore } from './fakeViewConnection.ts';

const created = new Date(Date.now() - 5 * 60_000).toISOString();

function service(name: string, namespace: string, spec: Service['spec']): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, creationTimestamp: created },
    spec,
  } as Service;
}

const web = service('web', 'default', {
  type: 'NodePort',
  selector: { app: 'web' },
  clusterIP: '10.96.0.10',
  ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' }],
});
const db = service('db', 'data', { selector: { app: 'db' }, ports: [{ port: 5432, protocol: 'TCP' }] });

const webEndpoints = {
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'web', namespace: 'default' },
  subsets: [
    {
      addresses: [
        {
          ip: '10.1.0.4',
          nodeName: 'alpha',
          targetRef: { kind: 'Pod', name: 'web-abc', namespace: 'default' },
        },
      ],
      notReadyAddresses: [
        {
          ip: '10.1.0.5',
          nodeName: 'beta',
          targetRef: { kind: 'Pod', name: 'web-def', namespace: 'default' },
        },
      ],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    },
  ],
} as unknown as Endpoints;

function fill(services: Service[], endpoints: Endpoints[]): void {
  const objects = emptyObjectMaps();
  useClusterStore.setState({
    objects: {
      ...objects,
      Service: new Map(services.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s])),
      Endpoints: new Map(endpoints.map((e) => [`${e.metadata.namespace}/${e.metadata.name}`, e])),
    },
  });
}

function renderView(connection: ClusterConnection = fakeConnection()) {
  return render(
    <ConnectionProvider connection={connection}>
      <ServicesView />
    </ConnectionProvider>,
  );
}

beforeEach(resetStore);
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('ServicesView', () => {
  it('lists services with kubectl ports, selector, ready endpoints and age', () => {
    fill([web, db], [webEndpoints]);
    renderView();
    expect(screen.getByTestId('view-services')).toBeTruthy();
    const row = screen.getByTestId('row-service-web');
    const cells = within(row)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    expect(cells).toEqual(['default', 'web', 'NodePort', '80:30080/TCP', 'app=web', '1/2', '5m']);
    const dbCells = within(screen.getByTestId('row-service-db'))
      .getAllByRole('cell')
      .map((c) => c.textContent);
    // No Endpoints object yet.
    expect(dbCells.slice(0, 6)).toEqual(['data', 'db', 'ClusterIP', '5432/TCP', 'app=db', '-']);
  });

  it('hides the namespace column and other namespaces when one is chosen', () => {
    fill([web, db], [webEndpoints]);
    useClusterStore.setState({ namespace: 'default' });
    renderView();
    expect(screen.queryByTestId('row-service-db')).toBeNull();
    expect(screen.queryByRole('columnheader', { name: 'NAMESPACE' })).toBeNull();
    expect(screen.getByRole('columnheader', { name: 'PORTS' })).toBeTruthy();
  });

  it('says what to do when there are no services', () => {
    renderView();
    expect(screen.getByText('No services')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Open templates' })).toBeTruthy();
  });

  it('shows ports with their target and the endpoints, ready or not, with pod and node', () => {
    fill([web], [webEndpoints]);
    renderView();
    fireEvent.click(screen.getByTestId('row-service-web'));
    const details = screen.getByTestId('service-details');
    const port = within(details).getByTestId('service-port-80');
    expect(
      within(port)
        .getAllByRole('cell')
        .slice(0, 5)
        .map((c) => c.textContent),
    ).toEqual(['http', '80', '8080', '30080', 'TCP']);
    const ready = within(details).getByTestId('endpoint-10.1.0.4');
    expect(ready.textContent).toContain('Ready');
    expect(ready.textContent).toContain('web-abc');
    expect(ready.textContent).toContain('alpha');
    const notReady = within(details).getByTestId('endpoint-10.1.0.5');
    expect(notReady.textContent).toContain('Not ready');
    expect(notReady.textContent).toContain('beta');
    expect(within(ready).getByRole('link', { name: 'web-abc' }).getAttribute('href')).toBe(
      '#/pods/default/web-abc',
    );
  });

  it('shows where the agent listens for the Service, and a port it could not bind', async () => {
    fill([web], [webEndpoints]);
    const listener = (address: string, state: 'listening' | 'failed') => ({
      address,
      port: 80,
      service: 'default/web',
      portName: 'http',
      state,
      ...(state === 'failed' ? { error: { code: 'EADDRINUSE', message: 'address already in use' } } : {}),
    });
    const proxyStatus = vi.fn(async () => ({
      node: 'alpha',
      serviceAddress: '127.0.1.1',
      servesPods: true,
      listeners: [
        listener('127.0.1.1', 'listening'),
        listener('172.17.0.1', 'failed'),
        { ...listener('127.0.1.1', 'listening'), service: 'default/other', port: 81 },
      ],
    }));
    renderView(fakeConnection({ proxyStatus }));
    fireEvent.click(screen.getByTestId('row-service-web'));
    const list = await screen.findByTestId('service-listeners');
    const items = within(list)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(items).toEqual([
      '127.0.1.1:80 listening',
      '172.17.0.1:80 failed address already in use',
      'on agent alpha; every agent serves it on its own address',
    ]);
    expect(within(screen.getByTestId('service-details')).getByText('round-robin')).toBeTruthy();
  });

  it('opens a node port in the browser on the host the dashboard is served from', () => {
    fill([web], [webEndpoints]);
    const open = vi.spyOn(window, 'open').mockImplementation(() => null);
    renderView(fakeConnection({}, 'web'));
    fireEvent.click(screen.getByTestId('row-service-web'));
    fireEvent.click(screen.getByRole('button', { name: 'Open in browser (node port 30080)' }));
    expect(open).toHaveBeenCalledWith(
      `http://${window.location.hostname || 'localhost'}:30080/`,
      '_blank',
      'noopener,noreferrer',
    );
  });

  it('offers no browser link for a ClusterIP service', () => {
    fill([db], []);
    renderView();
    fireEvent.click(screen.getByTestId('row-service-db'));
    expect(screen.queryByRole('button', { name: /in browser/ })).toBeNull();
    expect(screen.getByText(/No Endpoints object yet/)).toBeTruthy();
  });
});
