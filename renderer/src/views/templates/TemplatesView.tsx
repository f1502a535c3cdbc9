// Templates: pick one, fill a short form, see the manifest it makes (validated with the CLI's rules), then
// open it in the editor or apply it directly.
import { useMemo, useState } from 'react';
import { setApplyDraft } from '../../app/applyDraft.ts';
import { navigate } from '../../app/router.ts';
import { useConnection } from '../../store/ConnectionContext.tsx';
import { useClusterStore } from '../../store/clusterStore.ts';
import { type ApplyOutcome, ApplyResultsList } from '../apply/ApplyResultsList.tsx';
import { checkManifestText } from '../apply/checkManifestText.ts';
import { TemplateForm } from './TemplateForm.tsx';
import {
  defaultFormText,
  type FieldId,
  type FormText,
  generateObjects,
  manifestYaml,
  readFormText,
  TEMPLATES,
  type TemplateId,
  templateSpec,
} from './templates.ts';
import './templates.css';

function initialForms(namespace: string): Record<TemplateId, FormText> {
  const forms = {} as Record<TemplateId, FormText>;
  for (const t of TEMPLATES) forms[t.id] = { ...defaultFormText(t.id), namespace };
  return forms;
}

export function TemplatesView() {
  const connection = useConnection();
  const storeNamespace = useClusterStore((s) => s.namespace);
  const [selected, setSelected] = useState<TemplateId>('nginx');
  // Every form is made once, so a generated password does not change under the user's eyes.
  const [forms, setForms] = useState<Record<TemplateId, FormText>>(() =>
    initialForms(storeNamespace || 'default'),
  );
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ApplyOutcome | undefined>();
  const [failure, setFailure] = useState<string | undefined>();

  const template = templateSpec(selected);
  const text = forms[selected];
  const read = useMemo(() => readFormText(selected, text), [selected, text]);
  const yaml = useMemo(
    () => (read.ok ? manifestYaml(generateObjects(selected, read.values)) : ''),
    [read, selected],
  );
  const check = useMemo(() => (yaml ? checkManifestText(yaml) : undefined), [yaml]);
  const ready = check !== undefined && check.errors.length === 0 && check.objects.length > 0;

  const choose = (id: TemplateId) => {
    setSelected(id);
    setOutcome(undefined);
    setFailure(undefined);
  };
  const change = (field: FieldId, value: string) =>
    setForms((f) => ({ ...f, [selected]: { ...f[selected], [field]: value } }));

  const apply = async () => {
    if (!check || !ready) return;
    setBusy(true);
    setOutcome(undefined);
    setFailure(undefined);
    try {
      setOutcome({ response: await connection.apply(check.objects), dryRun: false });
    } catch (err) {
      setFailure(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const openInEditor = () => {
    setApplyDraft(yaml);
    navigate('#/apply');
  };

  return (
    <div className="view templates-view" data-testid="view-templates">
      <header className="view-header">
        <h1 className="view-title">Templates</h1>
        <p className="view-hint">Fill in a few fields; the manifest is shown before anything is applied.</p>
      </header>
      <section className="template-gallery" aria-label="Choose a template">
        {TEMPLATES.map((t) => (
          <button
            key={t.id}
            type="button"
            aria-pressed={t.id === selected}
            className={t.id === selected ? 'template-card selected' : 'template-card'}
            data-testid={`template-${t.id}`}
            onClick={() => choose(t.id)}
          >
            <span className="template-card-title">{t.title}</span>
            <span className="template-card-description">{t.description}</span>
          </button>
        ))}
      </section>
      <div className="template-body">
        <TemplateForm template={template} text={text} errors={read.ok ? {} : read.errors} onChange={change} />
        <div className="template-preview">
          <h3>Manifest</h3>
          {yaml ? (
            <pre data-testid="template-yaml" className="template-yaml">
              {yaml}
            </pre>
          ) : (
            <p className="template-preview-empty">Fix the fields marked above to see the manifest.</p>
          )}
          {check && check.errors.length > 0 && (
            <ul className="template-errors" aria-label="Manifest errors">
              {check.errors.map((e, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: recomputed whole from the form
                <li key={i} data-testid="template-error">
                  {e.subject ? `${e.subject}: ` : ''}
                  {e.message}
                </li>
              ))}
            </ul>
          )}
          <div className="template-actions">
            <button type="button" className="btn" disabled={!yaml} onClick={openInEditor}>
              Open in editor
            </button>
            <button
              type="button"
              className="btn btn-primary"
              disabled={!ready || busy}
              onClick={() => void apply()}
            >
              {busy ? 'Applying…' : 'Apply'}
            </button>
          </div>
          {failure !== undefined && (
            <p className="template-failure" role="alert">
              {failure}
            </p>
          )}
          {outcome && <ApplyResultsList outcome={outcome} />}
        </div>
      </div>
    </div>
  );
}
