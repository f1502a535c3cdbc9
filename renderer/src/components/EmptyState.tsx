// What a view shows when there is nothing to list: what is missing and what to do about it.
import type { ReactNode } from 'react';

export function EmptyState({ title, hint, action }: { title: string; hint?: ReactNode; action?: ReactNode }) {
  return (
    <div className="state state-empty" role="status">
      <div className="state-title">{title}</div>
      {hint !== undefined && <div className="state-hint">{hint}</div>}
      {action !== undefined && <div className="state-action">{action}</div>}
    </div>
  );
}
