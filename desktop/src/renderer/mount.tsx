import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { chatApiFromHost, type ChatHostBridge } from '../common/rpc';
import { App } from './App';
import { AppStore } from './state/store';
import './styles.css';

/**
 * Renders the app into `#root` over a host bridge: the Electron preload's (main.tsx) or the web
 * app's Worker engine (desktop/src/web/main.tsx). One screen for both hosts.
 */
export function mountApp(host: ChatHostBridge): AppStore {
  const store = new AppStore(chatApiFromHost(host));
  const root = document.getElementById('root');
  if (root === null) throw new Error('the page has no #root');
  createRoot(root).render(
    <StrictMode>
      <App store={store} />
    </StrictMode>,
  );
  void store.init();
  return store;
}
