// A view's text filter. `data-filter` lets the `/` shortcut find and focus it.
export function FilterInput({
  value,
  onChange,
  placeholder = 'Filter…',
  label = 'Filter',
}: {
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  label?: string;
}) {
  return (
    <input
      type="search"
      className="input filter-input"
      data-filter=""
      aria-label={label}
      placeholder={placeholder}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') e.currentTarget.blur();
      }}
    />
  );
}
