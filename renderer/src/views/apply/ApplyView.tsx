// Apply: a YAML editor that validates as you type with the CLI's rules (checkManifestText), shows each
// error at its field's line and in a list, and applies the admitted objects through the connection.
import { useEffect, useRef, useState } from 'react';
import { takeApplyDraft } from '../../app/applyDraft.ts';
import { navigate } from '../../app/router.ts';
import { useConnection } from '../../store/ConnectionContext.tsx';
import { useClusterStore } from '../../store/clusterStore.ts';
import { type ApplyOutcome, ApplyResultsList } from './ApplyResultsList.tsx';
import { checkManifestText, type ManifestCheck } from './checkManifestText.ts';
import { YamlEditor, type YamlEditorHandle } from './YamlEditor.tsx';
import './apply.css';

/** Long enough not to validate on every keystroke, short enough to feel immediate. */
export const VALIDATE_DEBOUNCE_MS = 250;

function summary(check: ManifestCheck, text: string): string {
  const n = check.errors.length;
  if (n > 0) return `${n} error${n === 1 ? '' : 's'}: fix ${n === 1 ? 'it' : 'them'} to apply`;
  if (text.trim() === '') return 'Nothing to apply yet: write a manifest or start from a template';
  const m = check.objects.length;
  if (m === 0) return 'No objects in this text';
  return `${m} object${m === 1 ? '' : 's'} valid, ready to apply`;
}

export function ApplyView() {
  const connection = useConnection();
  const storeNamespace = useClusterStore((s) => s.namespace);
  const namespace = storeNamespace === '' ? undefined : storeNamespace;
  const [initialText] = useState(() => takeApplyDraft() ?? '');
  const [text, setText] = useState(initialText);
  const [check, setCheck] = useState<ManifestCheck>(() => checkManifestText(initialText, { namespace }));
  const [busy, setBusy] = useState<'apply' | 'dry-run' | undefined>();
  const [outcome, setOutcome] = useState<ApplyOutcome | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const editor = useRef<YamlEditorHandle>(null);

  useEffect(() => {
    const timer = setTimeout(() => setCheck(checkManifestText(text, { namespace })), VALIDATE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, namespace]);

  const blocked = check.errors.length > 0 || check.objects.length === 0 || busy !== undefined;

  const run = async (dryRun: boolean) => {
    // The debounced check may be up to 250 ms old: check the text as it is now before sending it.
    const fresh = checkManifestText(text, { namespace });
    setCheck(fresh);
    if (fresh.errors.length > 0 || fresh.objects.length === 0) return;
    setBusy(dryRun ? 'dry-run' : 'apply');
    setFailure(undefined);
    setOutcome(undefined);
    try {
      const response = await connection.apply(fresh.objects, { dryRun });
      setOutcome({ response, dryRun });
    } catch (err) {
      setFailure(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div className="view apply-view" data-testid="view-apply">
      <header className="view-header">
        <h1 className="view-title">Apply</h1>
        <p className="view-hint">
          Validated as you type with the same rules as <code>shoal apply</code>. Objects that name no
          namespace go to <code>{namespace ?? 'default'}</code>.{' '}
          <button type="button" className="btn btn-ghost" onClick={() => navigate('#/templates')}>
            Start from a template
          </button>
        </p>
      </header>
      <YamlEditor
        ref={editor}
        initialText={initialText}
        errors={check.errors}
        onChange={setText}
        label="Manifest YAML"
      />
      <div className="apply-toolbar">
        <span
          className={check.errors.length > 0 ? 'apply-summary has-errors' : 'apply-summary'}
          role="status"
        >
          {summary(check, text)}
        </span>
        <button type="button" className="btn" disabled={blocked} onClick={() => void run(true)}>
          {busy === 'dry-run' ? 'Checking…' : 'Dry run'}
        </button>
        <button type="button" className="btn btn-primary" disabled={blocked} onClick={() => void run(false)}>
          {busy === 'apply' ? 'Applying…' : 'Apply'}
        </button>
      </div>
      {check.errors.length > 0 && (
        <ul className="apply-errors" aria-label="Manifest errors">
          {check.errors.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the list is recomputed whole on each check
            <li key={i} data-testid="apply-error" className="apply-error">
              <button type="button" className="btn btn-ghost" onClick={() => editor.current?.reveal(e.from)}>
                Line {e.line}
              </button>
              {e.subject ? <span className="apply-error-subject">{e.subject}</span> : null}
              <span className="apply-error-message">{e.message}</span>
            </li>
          ))}
        </ul>
      )}
      {failure !== undefined && (
        <p className="apply-failure" role="alert">
          {failure}
        </p>
      )}
      {outcome && <ApplyResultsList outcome={outcome} />}
    </div>
  );
}
