// Entry point: picks how to reach the cluster (IPC inside Electron, HTTP and WebSocket in a browser),
// then renders the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import type { Transport } from './connection/ClusterConnection.ts';
import { createClusterConnection } from './connection/createClusterConnection.ts';
import { ipcTransport } from './connection/ipcTransport.ts';
import { webTransport } from './connection/webTransport.ts';
import { useClusterStore } from './store/clusterStore.ts';
import './styles/theme.css';
import './styles/base.css';
import './styles/components.css';

const TOKEN_KEY = 'shoal.token';

/**
 * The API token of the web dashboard. `shoal dashboard` prints a URL ending in `#token=…`; it is kept in
 * sessionStorage (gone with the tab) and removed from the address bar so it is not bookmarked or shared.
 */
function takeToken(): string | undefined {
  const match = /^#token=([^&]+)/.exec(window.location.hash);
  if (match?.[1]) {
    const token = decodeURIComponent(match[1]);
    try {
      sessionStorage.setItem(TOKEN_KEY, token);
    } catch {
      // Storage disabled: the token still works until the tab reloads.
    }
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/overview`);
    return token;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function pickTransport(): Transport | string {
  if (window.shoal !== undefined) return ipcTransport();
  const token = takeToken();
  if (!token) {
    return 'This page needs the access token. Open the URL that `shoal dashboard` (or `shoal up`) printed: it ends in #token=…';
  }
  return webTransport({ baseUrl: window.location.origin, token });
}

function MissingToken({ message }: { message: string }) {
  return (
    <div className="view">
      <div className="state state-error" role="alert">
        <div className="state-title">Not signed in</div>
        <div className="state-hint">{message}</div>
      </div>
    </div>
  );
}

// Set before the first paint, so a dark-theme user never sees a white flash.
document.documentElement.dataset.theme = useClusterStore.getState().theme;

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
const transport = pickTransport();
createRoot(container).render(
  <StrictMode>
    {typeof transport === 'string' ? (
      <MissingToken message={transport} />
    ) : (
      <App connection={createClusterConnection(transport)} />
    )}
  </StrictMode>,
);
