import type { ChatShellBridge } from '../common/shell';
import { createBrowserPush } from './browser-push';
import { createSsoRedirect } from './sso-redirect';
import { downloadExport } from './export-download';
import { conversationOfUrl, isOpenConversationMessage } from './sw/notification';

/*
 * The shell of the web app (issue #17): what Electron's main process does for the desktop app,
 * done by the browser. Links open in a new tab, a notification click comes from the service
 * worker as a message (or, when no window was open, as the address it opened), and the server is
 * the one that served the page.
 */

const platformOf = (userAgent: string): string =>
  /Mac|iPhone|iPad/.test(userAgent) ? 'darwin' : /Windows/.test(userAgent) ? 'win32' : 'linux';

/** The browser's shell, and the conversation on screen (for the page's own notifications). */
export type BrowserShell = ChatShellBridge & { activeConversation(): string | null };

export function createBrowserShell(win: Window & typeof globalThis): BrowserShell {
  // A notification that opened this window named its chat in the address: taken once, then cleared.
  // A single sign-on return (#sso&code=…): read and taken out of the address bar first.
  const ssoRedirect = createSsoRedirect(win);
  let pending = conversationOfUrl(win.location.hash);
  if (pending !== null) win.history.replaceState(null, '', win.location.pathname);
  let active: string | null = null;
  return {
    setActiveConversation(id) {
      active = id;
    },
    activeConversation: () => active,
    onOpenConversation(listener) {
      if (pending !== null) {
        const id = pending;
        pending = null;
        listener(id);
      }
      const worker = win.navigator.serviceWorker as ServiceWorkerContainer | undefined;
      const onMessage = (event: MessageEvent) => {
        if (isOpenConversationMessage(event.data)) listener(event.data.conversationId);
      };
      worker?.addEventListener('message', onMessage);
      return () => worker?.removeEventListener('message', onMessage);
    },
    openExternal(url) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return;
      }
      // As the desktop shell's link policy: web links only, never javascript: or data:.
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return;
      win.open(parsed.href, '_blank', 'noopener,noreferrer');
    },
    platform: platformOf(win.navigator.userAgent),
    defaultServerUrl: win.location.origin,
    push: createBrowserPush(win),
    ssoRedirect,
    downloadExport: (path, fileName) => downloadExport(win.document, path, fileName),
  };
}
