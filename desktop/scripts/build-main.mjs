// Bundles the Electron side of the app into desktop/dist/main (or the folder given as argument):
//   main.cjs         the main process (electron external)
//   preload.cjs      the window's preload: one self-contained file, as a sandboxed preload must be
//   engine-host.cjs  the engine's utility process (better-sqlite3 stays a real module: it is native)
//   assets/          tray and window icons
// The renderer is built by Vite into dist/renderer (`npm run build:renderer`).
import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const desktopDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.resolve(process.argv[2] ?? path.join(desktopDir, 'dist', 'main'));

/** Electron 45 runs Node 22 and Chromium 140. */
const shared = {
  absWorkingDir: desktopDir,
  bundle: true,
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

/**
 * The Node bundles are CommonJS, where `import.meta` is empty: the engine's SQLite driver loader
 * (`createRequire(import.meta.url)`) gets the bundle's own file URL instead.
 */
const nodeBundle = {
  ...shared,
  platform: 'node',
  target: 'node22',
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

await rm(outDir, { recursive: true, force: true });
await Promise.all([
  build({
    ...nodeBundle,
    entryPoints: ['src/main/main.ts'],
    outfile: path.join(outDir, 'main.cjs'),
    external: ['electron'],
  }),
  build({
    ...nodeBundle,
    entryPoints: ['src/main/engine-host.ts'],
    outfile: path.join(outDir, 'engine-host.cjs'),
    // Native or optional: socket.io's `ws` tries bufferutil / utf-8-validate and does without.
    external: ['electron', 'better-sqlite3', 'bufferutil', 'utf-8-validate'],
  }),
  build({
    ...shared,
    entryPoints: ['src/preload/preload.ts'],
    outfile: path.join(outDir, 'preload.cjs'),
    platform: 'node',
    target: 'chrome140',
    external: ['electron'],
  }),
]);

const buildDir = path.join(desktopDir, 'build');
await mkdir(path.join(outDir, 'assets'), { recursive: true });
for (const [from, to] of [
  ['icons/256x256.png', 'icon.png'],
  ['tray.png', 'tray.png'],
  ['tray@2x.png', 'tray@2x.png'],
  ['trayTemplate.png', 'trayTemplate.png'],
  ['trayTemplate@2x.png', 'trayTemplate@2x.png'],
])
  await copyFile(path.join(buildDir, from), path.join(outDir, 'assets', to));
