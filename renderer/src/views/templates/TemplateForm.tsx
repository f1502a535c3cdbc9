// The short form of one template: one labelled input per field it asks for, with the field's error.
import type { ReactNode } from 'react';
import { FIELDS, type FieldId, type FormText, type TemplateSpec } from './templates.ts';

export interface TemplateFormProps {
  template: TemplateSpec;
  text: FormText;
  errors: Partial<Record<FieldId, string>>;
  onChange(field: FieldId, value: string): void;
}

export function TemplateForm({ template, text, errors, onChange }: TemplateFormProps) {
  return (
    <form
      className="template-form"
      onSubmit={(e) => e.preventDefault()}
      aria-label={`${template.title} settings`}
    >
      {template.fields.map((id) => {
        const field = FIELDS[id];
        const inputId = `template-${template.id}-${id}`;
        const error = errors[id];
        const describedBy = error ? `${inputId}-error` : field.hint ? `${inputId}-hint` : undefined;
        const common = {
          id: inputId,
          className: 'input',
          name: id,
          value: text[id],
          'aria-invalid': error ? true : undefined,
          'aria-describedby': describedBy,
        };
        let input: ReactNode;
        if (field.input === 'select') {
          input = (
            <select {...common} onChange={(e) => onChange(id, e.target.value)}>
              {(field.options ?? []).map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          );
        } else if (field.input === 'textarea') {
          input = (
            <textarea
              {...common}
              rows={6}
              spellCheck={false}
              onChange={(e) => onChange(id, e.target.value)}
            />
          );
        } else {
          input = (
            <input
              {...common}
              type={field.input === 'number' ? 'text' : field.input}
              inputMode={field.input === 'number' ? 'numeric' : undefined}
              autoComplete="off"
              spellCheck={false}
              disabled={id === 'nodePort' && text.serviceType !== 'NodePort'}
              onChange={(e) => onChange(id, e.target.value)}
            />
          );
        }
        return (
          <div className={`template-field template-field-${field.input}`} key={id}>
            <label htmlFor={inputId}>{field.label}</label>
            {input}
            {error ? (
              <span id={`${inputId}-error`} className="template-field-error" role="alert">
                {error}
              </span>
            ) : field.hint ? (
              <span id={`${inputId}-hint`} className="template-field-hint">
                {field.hint}
              </span>
            ) : null}
          </div>
        );
      })}
    </form>
  );
}
