import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../common/shell';
import { chatApiFromHost } from '../common/rpc';
import { App } from './App';
import { AppStore } from './state/store';
import './styles.css';

const store = new AppStore(chatApiFromHost(window.chitchatHost));
const root = document.getElementById('root');
if (root === null) throw new Error('the page has no #root');
createRoot(root).render(
  <StrictMode>
    <App store={store} />
  </StrictMode>,
);
void store.init();
