/**
 * The Electron session's rules for the main process (electron-only glue, like main.ts): which pages
 * get permissions, where navigation and new windows may go, and the app:// protocol that serves the
 * built renderer with its CSP. Every decision is made by a unit-tested module (./security.ts,
 * ./link-policy.ts).
 */
import { readFile } from 'node:fs/promises';
import { app, protocol, session, shell } from 'electron';
import type { MainLogger } from './file-logger';
import { checkExternalUrl, windowOpenDecision } from './link-policy';
import {
  APP_SCHEME,
  contentTypeFor,
  originOf,
  permissionAllowed,
  resolveAppFile,
} from './security';

/** A URL of the app's own page (app://chitchat, or the dev server in development). */
function isAppUrl(url: string, trustedOrigins: readonly string[]): boolean {
  try {
    const parsed = new URL(url);
    return trustedOrigins.includes(`${parsed.protocol}//${parsed.host}`);
  } catch {
    return false;
  }
}

/** Opens a link in the person's browser when the link policy allows it; logs a refusal. */
export function openExternal(url: unknown, logger: MainLogger): void {
  const decision = checkExternalUrl(url);
  if (!decision.allowed) {
    logger.warn('refused to open a link', { reason: decision.reason });
    return;
  }
  shell
    .openExternal(decision.url)
    .catch((error: unknown) => logger.warn('could not open a link', { error: String(error) }));
}

/** What the session rules need from the main process. */
export interface SessionOptions {
  /** The app's own origins (app://chitchat, and the dev server in development). */
  trustedOrigins: readonly string[];
  /** The dev server's origin, or null for the built renderer. */
  devOrigin: string | null;
  csp: string;
  logger: MainLogger;
}

/**
 * Page permissions for the app's own pages only, the CSP on the dev server's pages, and every
 * navigation, redirect, webview and new window of any web contents checked against the link policy.
 */
export function hardenSessions({ trustedOrigins, devOrigin, csp, logger }: SessionOptions): void {
  const defaultSession = session.defaultSession;
  // The microphone (voice notes) and a few page permissions, for the app's own pages only.
  defaultSession.setPermissionRequestHandler((contents, permission, callback, details) =>
    callback(
      permissionAllowed(
        {
          permission,
          origin: originOf(details.requestingUrl ?? contents.getURL()),
          ...('mediaTypes' in details ? { mediaTypes: details.mediaTypes ?? [] } : {}),
        },
        trustedOrigins,
      ),
    ),
  );
  defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    permissionAllowed(
      {
        permission,
        origin: originOf(requestingOrigin),
        ...(details.mediaType !== undefined ? { mediaTypes: [details.mediaType] } : {}),
        check: true,
      },
      trustedOrigins,
    ),
  );
  // The built renderer gets its CSP from the app:// handler; the dev server's pages get it here.
  if (devOrigin !== null)
    defaultSession.webRequest.onHeadersReceived({ urls: [`${devOrigin}/*`] }, (details, callback) =>
      callback({
        responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] },
      }),
    );

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (isAppUrl(url, trustedOrigins)) return;
      event.preventDefault();
      openExternal(url, logger);
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url, trustedOrigins)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const decision = windowOpenDecision(url, trustedOrigins);
      if (decision.action === 'download') contents.downloadURL(url);
      else if (decision.action === 'external') openExternal(decision.url, logger);
      else logger.warn('refused to open a window', { reason: decision.reason });
      return { action: 'deny' };
    });
  });
}

/** Serves dist/renderer on app://chitchat, every response with the CSP. */
export function serveRenderer({ csp, rendererDir }: { csp: string; rendererDir: string }): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET') return new Response('Method not allowed', { status: 405 });
    const file = resolveAppFile(request.url, rendererDir);
    if (file === null) return new Response('Not found', { status: 404 });
    try {
      return new Response(await readFile(file), {
        headers: {
          'content-type': contentTypeFor(file),
          'content-security-policy': csp,
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
