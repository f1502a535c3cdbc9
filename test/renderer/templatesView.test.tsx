// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { takeApplyDraft } from '../../renderer/src/app/applyDraft.ts';
import type { ClusterConnection } from '../../renderer/src/connection/ClusterConnection.ts';
import { ConnectionProvider } from '../../renderer/src/store/ConnectionContext.tsx';
import { useClusterStore } from '../../renderer/src/store/clusterStore.ts';
import { TemplatesView } from '../../renderer/src/views/templates/TemplatesView.tsx';
import { fakeConnection, resetStore } from './fakeViewConnection.ts';

function renderView(connection: ClusterConnection = fakeConnection()) {
  return render(
    <ConnectionProvider connection={connection}>
      <TemplatesView />
    </ConnectionProvider>,
  );
}

const yamlShown = () => screen.getByTestId('template-yaml').textContent ?? '';

beforeEach(() => {
  resetStore();
  takeApplyDraft();
  window.location.hash = '#/templates';
});
afterEach(cleanup);

describe('TemplatesView', () => {
  it('shows the gallery and the manifest of the chosen template, updated from the form', () => {
    renderView();
    expect(screen.getByTestId('view-templates')).toBeTruthy();
    for (const id of ['nginx', 'redis', 'postgres', 'static-site', 'batch-job']) {
      expect(screen.getByTestId(`template-${id}`)).toBeTruthy();
    }
    expect(yamlShown()).toContain('image: nginx:1.27-alpine');
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'front' } });
    fireEvent.change(screen.getByLabelText('Replicas'), { target: { value: '4' } });
    expect(yamlShown()).toContain('name: front');
    expect(yamlShown()).toContain('replicas: 4');
    fireEvent.click(screen.getByTestId('template-batch-job'));
    expect(yamlShown()).toContain('kind: Job');
    expect(screen.queryByLabelText('Service type')).toBeNull();
    // Switching back keeps what was typed.
    fireEvent.click(screen.getByTestId('template-nginx'));
    expect(yamlShown()).toContain('name: front');
  });

  it('asks for the postgres password and keeps it in a Secret', () => {
    renderView();
    fireEvent.click(screen.getByTestId('template-postgres'));
    fireEvent.change(screen.getByLabelText('POSTGRES_PASSWORD'), { target: { value: 's3cret' } });
    const docs = yamlShown()
      .split(/^---$/m)
      .map((d) => parse(d));
    expect(docs.map((d) => d.kind)).toEqual(['Secret', 'Deployment', 'Service']);
    expect(docs[0].data).toEqual({ POSTGRES_PASSWORD: btoa('s3cret') });
    fireEvent.change(screen.getByLabelText('POSTGRES_PASSWORD'), { target: { value: '' } });
    expect(screen.queryByTestId('template-yaml')).toBeNull();
    expect(screen.getByText('the postgres image refuses to start without a password')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Apply' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("shows the model's errors for a bad name and blocks Apply", () => {
    renderView();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'My App' } });
    const errors = screen.getAllByTestId('template-error').map((e) => e.textContent);
    expect(errors.some((e) => e?.includes('metadata.name: Invalid value: "My App"'))).toBe(true);
    expect((screen.getByRole('button', { name: 'Apply' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('opens the manifest in the editor', () => {
    renderView();
    fireEvent.click(screen.getByRole('button', { name: 'Open in editor' }));
    expect(window.location.hash).toBe('#/apply');
    expect(takeApplyDraft()).toBe(yamlShown());
  });

  it('applies directly and shows the results', async () => {
    useClusterStore.setState({ namespace: 'dev' });
    const apply = vi.fn<ClusterConnection['apply']>(async (objects) => ({
      results: (objects as { kind: 'Deployment'; apiVersion: string; metadata: { name: string } }[]).map(
        (object) => ({
          action: 'created' as const,
          object,
        }),
      ),
    }));
    renderView(fakeConnection({ apply }));
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    const results = await screen.findAllByTestId('apply-result');
    expect(results.map((r) => r.textContent)).toEqual([
      'deployment.apps/nginx created',
      'service/nginx created',
    ]);
    expect(apply.mock.calls[0]?.[0]).toMatchObject([
      { kind: 'Deployment', metadata: { namespace: 'dev' } },
      { kind: 'Service', metadata: { namespace: 'dev' } },
    ]);
  });
});
