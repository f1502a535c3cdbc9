// labels.FormatLabels: how kubectl prints a label map in a table cell.

/** `a=b,c=d` sorted by key (code unit order, as Go's sort.Strings), `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels?.[k]}`).join(',');
}
