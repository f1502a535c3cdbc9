// A view that throws shows what went wrong instead of blanking the whole window.
import { Component, type ReactNode } from 'react';
import { ErrorState } from './ErrorState.tsx';
import { errorMessage } from './errorMessage.ts';

export class ErrorBoundary extends Component<{ children?: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override render() {
    if (this.state.error !== undefined) {
      return (
        <ErrorState
          message={`This view failed: ${errorMessage(this.state.error)}`}
          retry={() => this.setState({ error: undefined })}
        />
      );
    }
    return this.props.children;
  }
}
