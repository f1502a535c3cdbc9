// A titled card that groups one part of a view.
import type { ReactNode } from 'react';

export function Panel({
  title,
  actions,
  children,
  className,
  testId,
}: {
  title?: ReactNode;
  /** Buttons at the right of the title. */
  actions?: ReactNode;
  children?: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <section className={`panel ${className ?? ''}`} data-testid={testId}>
      {(title !== undefined || actions !== undefined) && (
        <header className="panel-header">
          {title !== undefined && <h2 className="panel-title">{title}</h2>}
          {actions !== undefined && <div className="panel-actions">{actions}</div>}
        </header>
      )}
      <div className="panel-body">{children}</div>
    </section>
  );
}
