// A labelled drop-down of plain string choices (container, namespace, node, phase), the label's text
// naming the select for screen readers.

export interface SelectFieldProps {
  label: string;
  value: string;
  options: readonly string[];
  onChange(value: string): void;
  /** The text of a first option whose value is '' ("All nodes"), when there is one. */
  allLabel?: string;
  /** How an option reads, when not as its value. */
  optionLabel?: (value: string) => string;
  disabled?: boolean;
}

export function SelectField({
  label,
  value,
  options,
  onChange,
  allLabel,
  optionLabel,
  disabled,
}: SelectFieldProps) {
  return (
    <label className="inline-label">
      {label}
      <select value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        {allLabel !== undefined && <option value="">{allLabel}</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {optionLabel ? optionLabel(o) : o}
          </option>
        ))}
      </select>
    </label>
  );
}
