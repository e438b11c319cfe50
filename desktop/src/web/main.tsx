import '../common/shell';
import { hostBridgeFromPort } from '../common/rpc';
import { mountApp } from '../renderer/mount';
import { unsubscribeOnSignOut } from './browser-push';
import { createBrowserShell } from './browser-shell';
import { keepChatPhotos } from './chat-photos';
import { notifyIncoming } from './page-notifications';
import { startEngineWorker } from './engine-connection';
import { forgetExportOnSignOut } from './export-download';
import { showStartFailure } from './start-failure';
import { watchUnread } from './unread-badge';

/*
 * The web app's page (issue #17): the desktop app's screen over the engine in a Worker, with the
 * browser as its shell. The service worker keeps the app shell for offline starts and shows pushes.
 */

const host = hostBridgeFromPort(startEngineWorker((reason) => showStartFailure(document, reason)));
window.chitchatHost = host;
const shell = createBrowserShell(window);
window.chitchatShell = shell;
if (shell.push) unsubscribeOnSignOut(host, shell.push);
watchUnread(host, document, navigator);
forgetExportOnSignOut(host);
if ('caches' in window) keepChatPhotos(host, caches);
if ('serviceWorker' in navigator && 'Notification' in window) {
  notifyIncoming(host, {
    doc: document,
    permission: () => Notification.permission,
    container: navigator.serviceWorker,
    activeConversation: () => shell.activeConversation(),
  });
}
mountApp(host);

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js', { scope: '/', type: 'module' }).catch(() => {
    // Without it the app still runs online; it only cannot open offline or show pushes.
  });
}
