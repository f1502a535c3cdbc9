// CodeMirror 6 with YAML highlighting and the manifest errors as lint diagnostics. The editor owns its
// text (React only hears about changes), so typing never re-renders the editor; errors are pushed in
// with setDiagnostics after each validation.
import { yaml } from '@codemirror/lang-yaml';
import { type Diagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { EditorView, placeholder } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { type Ref, useEffect, useImperativeHandle, useRef } from 'react';
import type { ManifestError } from './checkManifestText.ts';

export interface YamlEditorHandle {
  /** Moves the cursor to an offset and shows it (clicking an error in the list). */
  reveal(offset: number): void;
}

export interface YamlEditorProps {
  initialText: string;
  errors: readonly ManifestError[];
  onChange(text: string): void;
  label: string;
  ref?: Ref<YamlEditorHandle>;
}

export function toDiagnostics(errors: readonly ManifestError[], length: number): Diagnostic[] {
  return errors.map((e) => ({
    from: Math.min(e.from, length),
    to: Math.min(e.to, length),
    severity: 'error',
    message: e.message,
  }));
}

export function YamlEditor({ initialText, errors, onChange, label, ref }: YamlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the editor is created once; later text comes from the user
  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      doc: initialText,
      parent: host.current,
      extensions: [
        basicSetup,
        yaml(),
        lintGutter(),
        placeholder('Paste or write a manifest: one or more YAML documents separated by ---'),
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChangeRef.current(update.state.doc.toString());
        }),
      ],
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    editor.dispatch(setDiagnostics(editor.state, toDiagnostics(errors, editor.state.doc.length)));
  }, [errors]);

  useImperativeHandle(ref, () => ({
    reveal(offset: number) {
      const editor = view.current;
      if (!editor) return;
      const pos = Math.min(offset, editor.state.doc.length);
      editor.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
      editor.focus();
    },
  }));

  return <div className="yaml-editor" ref={host} />;
}
