import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  contentSecurityPolicy,
  contentTypeFor,
  httpOrigin,
  isTrustedSender,
  originOf,
  permissionAllowed,
  resolveAppFile,
} from './security';

const directives = (policy: string) =>
  new Map(
    policy.split('; ').map((part) => {
      const [name = '', ...values] = part.split(' ');
      return [name, values] as const;
    }),
  );

describe('the renderer content security policy', () => {
  it('allows only the app own scripts and styles, and no network at all', () => {
    const policy = directives(contentSecurityPolicy());
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.get('connect-src')).toEqual(["'none'"]);
    expect(policy.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(contentSecurityPolicy()).not.toMatch(/unsafe|https?:|\*/);
  });

  it('opens up only what the Vite dev server needs, only when asked', () => {
    const policy = directives(contentSecurityPolicy({ devServerOrigin: 'http://localhost:5173' }));
    expect(policy.get('script-src')).toEqual([
      "'self'",
      "'unsafe-inline'",
      'http://localhost:5173',
    ]);
    expect(policy.get('connect-src')).toEqual(['http://localhost:5173', 'ws://localhost:5173']);
    expect(policy.get('object-src')).toEqual(["'none'"]);
  });
});

describe('serving the renderer from app://chitchat', () => {
  const root = path.resolve('/opt/chitchat/resources/app.asar/dist/renderer');

  it('maps paths to files inside the renderer folder', () => {
    expect(resolveAppFile(`${APP_ORIGIN}/`, root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(`${APP_ORIGIN}/index.html?x=1#y`, root)).toBe(
      path.join(root, 'index.html'),
    );
    expect(resolveAppFile(`${APP_ORIGIN}/assets/index-abc.js`, root)).toBe(
      path.join(root, 'assets', 'index-abc.js'),
    );
    expect(resolveAppFile(`${APP_ORIGIN}/assets/a%20b.png`, root)).toBe(
      path.join(root, 'assets', 'a b.png'),
    );
  });

  it('never leaves the renderer folder, however the path climbs', () => {
    for (const url of [
      `${APP_ORIGIN}/../package.json`,
      `${APP_ORIGIN}/%2e%2e/package.json`,
      `${APP_ORIGIN}/assets/%2e%2e%2f%2e%2e%2fmain.cjs`,
      `${APP_ORIGIN}/a/..%2f..%2f..%2fmain.cjs`,
    ]) {
      const file = resolveAppFile(url, root);
      if (file !== null) expect(file.startsWith(root + path.sep), url).toBe(true);
    }
  });

  it('refuses escapes, other hosts and other schemes', () => {
    for (const url of [
      `${APP_ORIGIN}/..%5c..%5cmain.cjs`,
      `${APP_ORIGIN}/x%00.js`,
      `${APP_ORIGIN}/%E0%A4%A`,
      'app://other/index.html',
      'file:///etc/passwd',
      'not a url',
    ])
      expect(resolveAppFile(url, root), url).toBeNull();
  });

  it('answers with the right content types', () => {
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('a/b.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('x.woff2')).toBe('font/woff2');
    expect(contentTypeFor('x.unknown')).toBe('application/octet-stream');
  });
});

describe('trusting IPC senders', () => {
  const trusted = { webContentsId: 7, origins: [APP_ORIGIN] };

  it('trusts the top frame of the app window showing the app', () => {
    expect(
      isTrustedSender(
        { webContentsId: 7, frameUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true },
        trusted,
      ),
    ).toBe(true);
  });

  it('refuses other windows, iframes, other pages and vanished frames', () => {
    const ok = { webContentsId: 7, frameUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true };
    expect(isTrustedSender({ ...ok, webContentsId: 8 }, trusted)).toBe(false);
    expect(isTrustedSender({ ...ok, isMainFrame: false }, trusted)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'https://evil.example/' }, trusted)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'file:///tmp/x.html' }, trusted)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'app://chitchat.evil/x' }, trusted)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: undefined }, trusted)).toBe(false);
    expect(isTrustedSender(ok, { ...trusted, webContentsId: null })).toBe(false);
  });

  it('trusts the dev server only when it is listed', () => {
    const dev = { webContentsId: 7, frameUrl: 'http://localhost:5173/', isMainFrame: true };
    expect(isTrustedSender(dev, trusted)).toBe(false);
    expect(
      isTrustedSender(dev, { ...trusted, origins: [APP_ORIGIN, 'http://localhost:5173'] }),
    ).toBe(true);
    expect(httpOrigin('http://localhost:5173/src/index.html')).toBe('http://localhost:5173');
    expect(httpOrigin('file:///x')).toBeNull();
    expect(httpOrigin(undefined)).toBeNull();
  });
});

describe('permissions the page may use', () => {
  const trusted = ['app://chitchat'];
  const ask = (permission: string, origin: string | null, extra = {}) =>
    permissionAllowed({ permission, origin, ...extra }, trusted);

  it("the microphone is granted to the app's own page only, and only for audio", () => {
    expect(ask('media', 'app://chitchat', { mediaTypes: ['audio'] })).toBe(true);
    expect(ask('media', 'https://evil.example', { mediaTypes: ['audio'] })).toBe(false);
    expect(ask('media', null, { mediaTypes: ['audio'] })).toBe(false);
    // The camera, or a request that does not say what it wants, is refused.
    expect(ask('media', 'app://chitchat', { mediaTypes: ['video'] })).toBe(false);
    expect(ask('media', 'app://chitchat', { mediaTypes: ['audio', 'video'] })).toBe(false);
    expect(ask('media', 'app://chitchat', { mediaTypes: [] })).toBe(false);
    expect(ask('media', 'app://chitchat')).toBe(false);
    // A check may not know the kind yet (listing devices); a request must say audio.
    expect(ask('media', 'app://chitchat', { mediaTypes: ['unknown'], check: true })).toBe(true);
    expect(ask('media', 'app://chitchat', { mediaTypes: ['unknown'] })).toBe(false);
  });

  it('the harmless page permissions stay; everything else is refused', () => {
    expect(ask('fullscreen', 'app://chitchat')).toBe(true);
    expect(ask('clipboard-sanitized-write', 'app://chitchat')).toBe(true);
    expect(ask('fullscreen', 'https://evil.example')).toBe(false);
    for (const permission of ['geolocation', 'notifications', 'midiSysex', 'openExternal'])
      expect(ask(permission, 'app://chitchat')).toBe(false);
  });

  it("origins are read from the asking page's URL", () => {
    expect(originOf('app://chitchat/index.html')).toBe('app://chitchat');
    expect(originOf('http://127.0.0.1:5173/')).toBe('http://127.0.0.1:5173');
    expect(originOf('about:blank')).toBe(null);
    expect(originOf('')).toBe(null);
    expect(originOf(undefined)).toBe(null);
  });
});
