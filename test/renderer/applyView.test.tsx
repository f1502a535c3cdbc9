// @vitest-environment happy-dom
import { EditorView } from '@codemirror/view';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setApplyDraft, takeApplyDraft } from '../../renderer/src/app/applyDraft.ts';
import type { ApplyResponse, ClusterConnection } from '../../renderer/src/connection/ClusterConnection.ts';
import { ClusterError } from '../../renderer/src/connection/ClusterConnection.ts';
import { ConnectionProvider } from '../../renderer/src/store/ConnectionContext.tsx';
import { useClusterStore } from '../../renderer/src/store/clusterStore.ts';
import { ApplyView } from '../../renderer/src/views/apply/ApplyView.tsx';
import { fakeConnection, resetStore } from './fakeViewConnection.ts';

const VALID = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;
const INVALID = VALID.replace('replicas: 2', 'replicas: -1');

// StrictMode, as main.tsx renders: state initializers run twice, and the draft must survive that.
function renderView(connection: ClusterConnection) {
  return render(
    <StrictMode>
      <ConnectionProvider connection={connection}>
        <ApplyView />
      </ConnectionProvider>
    </StrictMode>,
  );
}

function editorView(container: HTMLElement): EditorView {
  const dom = container.querySelector('.cm-editor');
  const view = dom instanceof HTMLElement ? EditorView.findFromDOM(dom) : null;
  if (!view) throw new Error('no CodeMirror editor rendered');
  return view;
}

function replaceText(container: HTMLElement, text: string): void {
  const view = editorView(container);
  act(() => {
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  });
}

const applyButton = () => screen.getByRole('button', { name: 'Apply' });
const dryRunButton = () => screen.getByRole('button', { name: 'Dry run' });

const created = (dryRun = false): ApplyResponse => ({
  results: [
    {
      action: dryRun ? 'configured' : 'created',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' } },
    },
  ],
});

beforeEach(() => {
  resetStore();
  takeApplyDraft();
});
afterEach(cleanup);

describe('ApplyView', () => {
  it('starts from the draft a template left, in a CodeMirror editor, and takes it only once', () => {
    setApplyDraft(VALID);
    const { container } = renderView(fakeConnection());
    expect(screen.getByTestId('view-apply')).toBeTruthy();
    expect(container.querySelector('.cm-content')).toBeTruthy();
    expect(editorView(container).state.doc.toString()).toBe(VALID);
    expect(takeApplyDraft()).toBeUndefined();
    expect(screen.queryAllByTestId('apply-error')).toHaveLength(0);
    expect(screen.getByRole('status').textContent).toContain('1 object valid');
    expect((applyButton() as HTMLButtonElement).disabled).toBe(false);
  });

  it('with no text there is nothing to apply', () => {
    renderView(fakeConnection());
    expect((applyButton() as HTMLButtonElement).disabled).toBe(true);
    expect((dryRunButton() as HTMLButtonElement).disabled).toBe(true);
  });

  it('lists each error with its path, its line and the CLI message, marks it in the editor, and blocks Apply', async () => {
    setApplyDraft(INVALID);
    const { container } = renderView(fakeConnection());
    const errors = screen.getAllByTestId('apply-error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.textContent).toContain(
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
    expect(errors[0]?.textContent).toContain('Line 6');
    expect((applyButton() as HTMLButtonElement).disabled).toBe(true);
    expect((dryRunButton() as HTMLButtonElement).disabled).toBe(true);
    // The lint gutter marks the line once the diagnostics are in.
    await waitFor(() => expect(container.querySelector('.cm-lint-marker-error')).toBeTruthy());
  });

  it('validates as the user types, after a short pause', async () => {
    vi.useFakeTimers();
    try {
      setApplyDraft(VALID);
      const { container } = renderView(fakeConnection());
      replaceText(container, INVALID);
      // Not yet: the check waits for the typing to pause.
      await act(async () => {
        vi.advanceTimersByTime(100);
      });
      expect(screen.queryAllByTestId('apply-error')).toHaveLength(0);
      await act(async () => {
        vi.advanceTimersByTime(200);
      });
      expect(screen.getAllByTestId('apply-error')).toHaveLength(1);
      replaceText(container, VALID.replace('        image: nginx:1.27\n', ''));
      await act(async () => {
        vi.advanceTimersByTime(300);
      });
      expect(screen.getAllByTestId('apply-error').map((e) => e.textContent)).toEqual([
        expect.stringContaining('spec.template.spec.containers[0].image: Required value'),
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('applies the admitted objects and shows what the server did with each', async () => {
    setApplyDraft(VALID);
    const apply = vi.fn<ClusterConnection['apply']>(async () => created());
    const connection = fakeConnection({ apply });
    renderView(connection);
    fireEvent.click(applyButton());
    await screen.findByText('deployment.apps/web');
    expect(screen.getByTestId('apply-result').textContent).toBe('deployment.apps/web created');
    expect(apply).toHaveBeenCalledTimes(1);
    const [objects, opts] = apply.mock.calls[0] as unknown as [unknown[], { dryRun: boolean }];
    expect(opts).toEqual({ dryRun: false });
    // Defaults applied, as the CLI sends them.
    expect(objects).toMatchObject([{ kind: 'Deployment', metadata: { name: 'web', namespace: 'default' } }]);
  });

  it('puts objects without a namespace in the namespace chosen in the switcher', async () => {
    useClusterStore.setState({ namespace: 'dev' });
    setApplyDraft(VALID);
    const apply = vi.fn<ClusterConnection['apply']>(async () => created());
    renderView(fakeConnection({ apply }));
    fireEvent.click(applyButton());
    await screen.findByTestId('apply-result');
    expect(apply.mock.calls[0]?.[0]).toMatchObject([{ metadata: { namespace: 'dev' } }]);
  });

  it('dry run asks the server what would happen without writing', async () => {
    setApplyDraft(VALID);
    const apply = vi.fn<ClusterConnection['apply']>(async () => created(true));
    renderView(fakeConnection({ apply }));
    fireEvent.click(dryRunButton());
    await screen.findByTestId('apply-result');
    expect(apply.mock.calls[0]?.[1]).toEqual({ dryRun: true });
    expect(screen.getByTestId('apply-result').textContent).toBe(
      'deployment.apps/web configured (server dry run)',
    );
  });

  it("shows the server's error for an object it refused, and a failed call's message", async () => {
    setApplyDraft(VALID);
    const apply = vi
      .fn<ClusterConnection['apply']>()
      .mockResolvedValueOnce({
        results: [
          {
            error: {
              kind: 'Status',
              apiVersion: 'v1',
              metadata: {},
              status: 'Failure',
              message: 'namespaces "default" is being terminated',
              reason: 'Forbidden',
              code: 403,
            },
            kind: 'Deployment',
            name: 'web',
          },
        ],
      })
      .mockRejectedValueOnce(new ClusterError('the agent is not reachable', 503));
    renderView(fakeConnection({ apply }));
    fireEvent.click(applyButton());
    expect((await screen.findByTestId('apply-result')).textContent).toBe(
      'deployment.apps/web Error from server (Forbidden): namespaces "default" is being terminated',
    );
    await waitFor(() => expect((applyButton() as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(applyButton());
    expect((await screen.findByRole('alert')).textContent).toBe('the agent is not reachable');
  });
});
