/**
 * What the preload puts on `window` for the renderer: the chat contract (`chitchatHost`, carried
 * by `chatApiFromHost`) and a few shell concerns that are not the engine's business
 * (`chitchatShell`). Nothing else crosses from the Electron shell into the page.
 */
import type { PushSubscriptionBody } from '@chitchat/shared';
import type { ChatHostBridge } from './rpc';
import type { SsoRedirectBridge } from './sso';

/**
 * Where this browser stands on notifications: `unsupported` (no service worker, Push API or
 * Notification API, e.g. a private window of some browsers), `denied` (the person blocked them
 * for the site: only the browser's site settings can undo it), `off`, or `on` (subscribed).
 */
export type BrowserPushState = 'unsupported' | 'denied' | 'off' | 'on';

/**
 * The web app's browser notifications (issue #17): the page's side of Web Push, through the
 * service worker's pushManager. The Electron shell has none (it shows native notifications), so
 * the screen hides the row there.
 */
export interface BrowserPushBridge {
  /** The state now, read from the browser (so it survives a reload). */
  state(): Promise<BrowserPushState>;
  /**
   * Asks the permission (only ever from a click) and subscribes with the server's VAPID key;
   * answers the subscription to hand to the server. Throws what the browser refused, in words.
   */
  subscribe(applicationServerKey: string): Promise<PushSubscriptionBody>;
  /** Drops the browser's subscription, if any (the push service forgets the endpoint). */
  unsubscribe(): Promise<void>;
}

/** UI-only signals between the screen and the Electron main process. */
export interface ChatShellBridge {
  /**
   * Which conversation is on screen (null: none, e.g. the empty state or the sign-in form). Main
   * uses it for the notification policy: no notification for the conversation a person is looking
   * at in a focused window. Call it on every change of the open conversation.
   */
  setActiveConversation(id: string | null): void;
  /**
   * Main asks the screen to open a conversation (a notification was clicked). Returns a function
   * that removes the listener.
   */
  onOpenConversation(listener: (id: string) => void): () => void;
  /**
   * Main asks the screen to show the join preview of a group invite (a `chitchat://join/<code>` or
   * `https://<server>/join/<code>` link opened outside the app). Absent in the web app.
   */
  onOpenInvite?(listener: (code: string) => void): () => void;
  /**
   * Opens a link in the system browser. Main lets through only http(s) links (see
   * desktop/src/main/link-policy.ts); anything else is refused and logged, silently for the page.
   */
  openExternal(url: string): void;
  /** `process.platform` of the machine: `darwin`, `win32`, `linux`, ... (for shortcuts: Cmd vs Ctrl). */
  readonly platform: string;
  /**
   * The server the app was started against (`npm start` passes the local one), to prefill the
   * sign-in form; null when none was given.
   */
  readonly defaultServerUrl: string | null;
  /**
   * The web app hands "Export my data"'s archive (`ExportResult.path`, in the browser's private
   * files) to the browser as a download; absent in the desktop app, whose archive is a file on
   * disk already.
   */
  downloadExport?(path: string, fileName: string): Promise<void>;
  /** Web Push in the web app; absent in the desktop app. */
  readonly push?: BrowserPushBridge;
  /**
   * Single sign-on by redirecting the tab (the web app); absent in the desktop app, whose engine
   * opens the system browser (`signInWithSso` without `redirected`).
   */
  readonly ssoRedirect?: SsoRedirectBridge;
}

declare global {
  interface Window {
    chitchatHost: ChatHostBridge;
    chitchatShell: ChatShellBridge;
  }
}
