import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type Request, type Response } from 'express';

/*
 * The web app (issue #17, DESIGN §11): the same React UI, built for the browser by
 * `npm run build:web` into WEB_APP_DIR, served at PUBLIC_URL/ beside the API. Every answer of this
 * router carries the CSP of DESIGN §11 exactly; hashed assets are cached for a year, everything
 * else is revalidated, so a new build reaches people on their next load.
 */

/** DESIGN §11, word for word: no inline script or style, WebAssembly for SQLite, own origin only. */
export const WEB_APP_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; " +
  "img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self'; style-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** Vite's content-hashed output: a changed file gets a new name, so it may be kept forever. */
const HASHED_ASSETS = '/assets/';
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The shell, the service worker, the manifest and icons: always asked again (a 304 when unchanged). */
const REVALIDATE = 'no-cache';

/** Paths that belong to the server, never to the app: no fallback to index.html there. */
const SERVER_PREFIXES = ['/api/', '/socket.io/', '/healthz', '/readyz', '/metrics'];

function setAppHeaders(res: Response): void {
  res.set('Content-Security-Policy', WEB_APP_CSP);
  res.set('X-Content-Type-Options', 'nosniff');
  res.set('Referrer-Policy', 'no-referrer');
  res.set('Cross-Origin-Opener-Policy', 'same-origin');
}

/**
 * An app route the page itself handles (`/`, `/chats/abc`): no file extension, outside the
 * server's paths and the assets folder. Anything else missing is a plain 404 (a missing script
 * must never come back as HTML).
 */
function isAppRoute(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const pathname = req.path;
  if (pathname.startsWith(HASHED_ASSETS)) return false;
  if (
    SERVER_PREFIXES.some(
      (prefix) => pathname === prefix.replace(/\/$/, '') || pathname.startsWith(prefix),
    )
  ) {
    return false;
  }
  return path.posix.extname(pathname) === '';
}

/** Serves the built web app from `dir`; without a build, `/` says how to make one. */
export function webAppRouter(dir: string): Router {
  const router = Router();
  const indexFile = path.join(dir, 'index.html');
  router.use((_req, res, next) => {
    setAppHeaders(res);
    next();
  });
  router.use(
    express.static(dir, {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      fallthrough: true,
      setHeaders(res, file) {
        const relative = `/${path.relative(dir, file).split(path.sep).join('/')}`;
        res.setHeader('Cache-Control', relative.startsWith(HASHED_ASSETS) ? IMMUTABLE : REVALIDATE);
      },
    }),
  );
  router.use((req, res, next) => {
    if (!isAppRoute(req)) {
      next();
      return;
    }
    // Checked per request: `npm run build:web` while the server runs is picked up at once.
    if (!existsSync(indexFile)) {
      res
        .status(503)
        .type('html')
        .set('Cache-Control', 'no-store')
        .send(
          '<!doctype html><meta charset="utf-8"><title>chitchat</title>' +
            '<h1>The chitchat server is running</h1>' +
            '<p>The web app is not built yet. Run <code>npm run build:web</code> (or set ' +
            '<code>WEB_APP_DIR</code> to a built copy) and reload. The desktop app connects to this ' +
            'address as it is.</p>',
        );
      return;
    }
    res.set('Cache-Control', REVALIDATE).sendFile(indexFile);
  });
  router.use((req, res, next) => {
    // Outside the server's own paths, a miss is the app's 404: plain text, still under the CSP.
    if (SERVER_PREFIXES.some((prefix) => req.path.startsWith(prefix))) {
      next();
      return;
    }
    res.status(404).type('text/plain').set('Cache-Control', 'no-store').send('Not found');
  });
  return router;
}
