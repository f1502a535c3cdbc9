// The app-wide keys: `g` then a letter goes to a view, `/` focuses the view's filter, `?` lists the keys.
// Keys typed into a field (inputs, the YAML editor, the terminal) are the field's, never shortcuts.
import { useEffect } from 'react';
import { NAV_ITEMS } from './navItems.ts';
import { navigate, routeHash } from './router.ts';

/** How long after `g` the second key still counts. */
export const SEQUENCE_TIMEOUT_MS = 1500;

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

export interface ShortcutActions {
  toggleHelp(): void;
  closeHelp(): void;
}

export function useKeyboardShortcuts(actions: ShortcutActions): void {
  const { toggleHelp, closeHelp } = actions;
  useEffect(() => {
    let pendingG = 0;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        closeHelp();
        return;
      }
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target)) return;

      if (pendingG && Date.now() - pendingG <= SEQUENCE_TIMEOUT_MS) {
        pendingG = 0;
        const item = NAV_ITEMS.find((i) => i.key === event.key.toLowerCase());
        if (item) {
          event.preventDefault();
          closeHelp();
          navigate(routeHash(item.view));
        }
        return;
      }
      pendingG = 0;
      if (event.key === 'g') {
        pendingG = Date.now();
      } else if (event.key === '/') {
        const filter = document.querySelector<HTMLElement>('[data-filter]');
        if (filter) {
          event.preventDefault(); // keep the slash out of the field
          filter.focus();
        }
      } else if (event.key === '?') {
        event.preventDefault();
        toggleHelp();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [toggleHelp, closeHelp]);
}
