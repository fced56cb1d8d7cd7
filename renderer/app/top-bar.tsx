/** Top bar: the app name, the lake root, the demo badge and the host connection state. */
import type { AppInfo } from '../../core/contract/contract-views.ts';
import { useApi, useConnectionStatus } from '../api/api-provider.tsx';
import { BrandMark } from '../components/icons.tsx';
import { hrefFor } from './hash-route.ts';

/** The banner landmark across the top of the window. */
export function TopBar({ info }: { info: AppInfo | undefined }) {
  const status = useConnectionStatus();
  const kind = useApi().kind;
  return (
    <header className="topbar">
      <a className="brand" href={hrefFor('today')} aria-label="QuantMini, go to Today">
        <BrandMark />
        <span>QuantMini</span>
      </a>
      {info && (
        <div className="topbar-root" data-testid="lake-root">
          <span>Lake</span>
          <code title={info.dataRoot}>{info.dataRoot}</code>
        </div>
      )}
      <span className="spacer" />
      {info?.mode === 'demo' && (
        <a className="demo-badge" href={hrefFor('settings', 'account')} data-testid="demo-badge" title="Running on the built-in market simulator. Connect a Massive account in Settings.">
          Demo data
          <span aria-hidden="true">·</span>
          <span style={{ fontWeight: 500 }}>Connect an account</span>
        </a>
      )}
      {kind === 'web' && (
        <span className="connection" data-status={status} data-testid="connection-status">
          <span className="connection-dot" aria-hidden="true" />
          {status === 'open' ? 'Connected' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        </span>
      )}
    </header>
  );
}
