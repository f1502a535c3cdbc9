// The views in the sidebar, with the key that follows `g` to reach each one.
import type { ViewName } from './router.ts';

export interface NavItem {
  view: ViewName;
  label: string;
  /** `g <key>` goes there. */
  key: string;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { view: 'overview', label: 'Overview', key: 'o' },
  { view: 'workloads', label: 'Workloads', key: 'w' },
  { view: 'pods', label: 'Pods', key: 'p' },
  { view: 'services', label: 'Services', key: 's' },
  { view: 'nodes', label: 'Nodes', key: 'n' },
  { view: 'events', label: 'Events', key: 'e' },
  { view: 'apply', label: 'Apply', key: 'a' },
  { view: 'templates', label: 'Templates', key: 't' },
];

/** Every shortcut, for the `?` dialog. */
export const SHORTCUTS: ReadonlyArray<{ keys: string[]; action: string }> = [
  ...NAV_ITEMS.map((item) => ({ keys: ['g', item.key], action: `Go to ${item.label}` })),
  { keys: ['/'], action: "Focus the view's filter" },
  { keys: ['↑', '↓'], action: 'Move between table rows' },
  { keys: ['Enter'], action: 'Open the focused row' },
  { keys: ['?'], action: 'Show these shortcuts' },
  { keys: ['Esc'], action: 'Close this dialog, leave a filter' },
];
