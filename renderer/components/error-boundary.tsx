/** Keeps one page's render error from blanking the whole app (React only offers this as a class). */
import { Component } from 'react';
import type { ReactNode } from 'react';

interface State {
  error: Error | null;
}

/** Shows the error and a retry button instead of the children when they throw while rendering. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidUpdate(prev: { resetKey: string }): void {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="page">
        <div className="notice" data-tone="danger" role="alert">
          <div className="stack-s">
            <span className="notice-title">This page failed to render</span>
            <pre>{this.state.error.message}</pre>
            <div>
              <button type="button" className="btn btn-small" onClick={() => this.setState({ error: null })}>
                Try again
              </button>
            </div>
          </div>
        </div>
      </div>
    );
  }
}
