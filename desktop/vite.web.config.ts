import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const here = import.meta.dirname;
const web = path.join(here, 'src/web');

/*
 * The web app (issue #17, DESIGN §11): the renderer built for the browser, served by the server at
 * PUBLIC_URL/ from desktop/dist/web (WEB_APP_DIR). Hashed files under assets/ (cached for a year);
 * unhashed: index.html, sw.js, engine.worker.js, the manifest and icons (revalidated).
 */

/** The engine's Worker entry (desktop/src/web/engine.worker.ts), built when it exists. */
const engineWorker = path.join(web, 'engine.worker.ts');
const publicDir = path.join(web, 'public');

/** The files copied as they are (manifest, icons), as site paths. */
const publicFiles = (): string[] =>
  readdirSync(publicDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map(
      (entry) =>
        `/${path.relative(publicDir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/')}`,
    );
const UNHASHED_ENTRIES = new Set(['sw', 'engine.worker']);

/**
 * Writes this build's file list and version into sw.js, so the service worker caches exactly the
 * app shell of the build it belongs to (a new build is a new cache; the old one is dropped).
 */
function precacheManifest(): Plugin {
  return {
    name: 'chitchat-precache-manifest',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((file) => file !== 'sw.js' && !file.endsWith('.map') && file !== 'index.html')
        .sort()
        .map((file) => `/${file}`)
        .concat(publicFiles())
        .sort();
      const hash = createHash('sha256');
      for (const file of Object.keys(bundle).sort()) {
        const output = bundle[file];
        if (output === undefined || file === 'sw.js') continue;
        hash.update(file);
        hash.update(output.type === 'chunk' ? output.code : output.source);
      }
      const manifest = JSON.stringify({ version: hash.digest('hex').slice(0, 16), files });
      const sw = bundle['sw.js'];
      if (sw?.type !== 'chunk') throw new Error('the service worker entry sw.js is missing');
      const placeholder = /(["'`])__CHITCHAT_PRECACHE__\1/;
      if (!placeholder.test(sw.code)) throw new Error('sw.js lost its precache placeholder');
      sw.code = sw.code.replace(placeholder, () => JSON.stringify(manifest));
    },
  };
}

export default defineConfig({
  root: web,
  base: '/',
  publicDir,
  plugins: [react(), precacheManifest()],
  build: {
    outDir: path.join(here, 'dist/web'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'chrome120',
    // Nothing inlined as data: URLs (fonts would then fall foul of the CSP's default-src 'self').
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 4000,
    rolldownOptions: {
      input: {
        index: path.join(web, 'index.html'),
        sw: path.join(web, 'sw/sw.ts'),
        ...(existsSync(engineWorker) ? { 'engine.worker': engineWorker } : {}),
      },
      output: {
        entryFileNames: (chunk) =>
          UNHASHED_ENTRIES.has(chunk.name) ? '[name].js' : 'assets/[name]-[hash].js',
      },
    },
  },
  worker: { format: 'es' },
});
