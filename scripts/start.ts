/**
 * `npm start`: the server, and the desktop app pointed at it where Electron can run.
 *
 * - The server is `server/src/main.ts`, as `npm run server` starts it, with the same environment
 *   (PORT, HOST, DATA_DIR, ...). When a chitchat server already answers on that address (a second
 *   `npm start -- --profile bob` for another account), it is used instead of starting another.
 * - The app needs the Electron binary, which the `electron` package downloads on first use. Where
 *   it is missing and cannot be downloaded, this says so plainly, says how to get it, and keeps the
 *   server running. `ELECTRON_SKIP_BINARY_DOWNLOAD=1` skips the download attempt.
 * - Arguments after `--` go to the app: `npm start -- --profile work`.
 *
 * Ctrl+C (or SIGTERM) stops the server and the app.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as ElectronRebuild from '@electron/rebuild';

const repoRoot = path.resolve(import.meta.dirname, '..');
const desktopDir = path.join(repoRoot, 'desktop');
const require = createRequire(import.meta.url);
const appArgs = process.argv.slice(2);

const say = (line = '') => process.stdout.write(`${line}\n`);

function serverAddress(env: NodeJS.ProcessEnv): string {
  const host = env.HOST ?? '127.0.0.1';
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${env.PORT ?? '3000'}`;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const answer = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
    return answer.ok;
  } catch {
    return false;
  }
}

/** Resolves when the server answers /healthz; rejects when it exits first. */
async function untilHealthy(url: string, server: ChildProcess): Promise<void> {
  let exited: number | null | undefined;
  server.once('exit', (code) => (exited = code));
  for (;;) {
    if (exited !== undefined) throw new Error(`the server exited with code ${exited}`);
    if (await healthy(url)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface ElectronLookup {
  /** The `electron` package's folder, or null when it is not installed at all. */
  packageDir: string | null;
  /** The binary, or null when it is missing. */
  binary: string | null;
  version: string | null;
}

/**
 * Where the Electron binary is, without triggering electron's own download (its `require` would):
 * the same rules as node_modules/electron/index.js (`path.txt`, `ELECTRON_OVERRIDE_DIST_PATH`).
 */
function findElectron(): ElectronLookup {
  let packageDir: string;
  try {
    packageDir = path.dirname(require.resolve('electron/package.json', { paths: [desktopDir] }));
  } catch {
    return { packageDir: null, binary: null, version: null };
  }
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const pathFile = path.join(packageDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary =
    override !== undefined && override !== ''
      ? path.join(
          override,
          executable ?? (process.platform === 'win32' ? 'electron.exe' : 'electron'),
        )
      : executable === null
        ? null
        : path.join(packageDir, 'dist', executable);
  return { packageDir, binary: binary !== null && existsSync(binary) ? binary : null, version };
}

/** Electron's own download (`npx install-electron`); returns why it failed, if it did. */
function downloadElectron(packageDir: string): string | null {
  say('The Electron binary is not downloaded yet; downloading it (about 100 MB)…');
  const result = spawnSync(process.execPath, [path.join(packageDir, 'install.js')], {
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'pipe'],
    timeout: 10 * 60_000,
  });
  if (result.status === 0) return null;
  return (result.stderr || String(result.error ?? 'unknown error')).trim().split('\n')[0] ?? null;
}

function electronMissingMessage(
  url: string,
  lookup: ElectronLookup,
  skipped: boolean,
  downloadError: string | null,
): string {
  const why =
    lookup.packageDir === null
      ? 'the electron package is not installed (run npm install)'
      : skipped
        ? 'the Electron binary is missing, and ELECTRON_SKIP_BINARY_DOWNLOAD is set, so no download was tried'
        : `the Electron binary is missing and could not be downloaded (${downloadError ?? 'no network access to its download host?'})`;
  return [
    '',
    `The desktop app was not started: ${why}.`,
    '  To get the binary, with network access:  npx install-electron   (or run npm start again)',
    '  To check it:                             npx electron --version',
    '  To build installers instead:             npm run dist   (on a machine with network access)',
    `The server keeps running at ${url}: point any chitchat app at it. Ctrl+C stops it.`,
    '',
  ].join('\n');
}

function npm(args: string[]): boolean {
  const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, {
    cwd: repoRoot,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  return result.status === 0;
}

/**
 * better-sqlite3 is built for Node (tests, the server); Electron's engine process needs a build for
 * Electron's ABI. Rather than rebuilding the shared copy (which would break the tests and the
 * server), a copy in desktop/dist/node_modules is rebuilt: the engine bundle in desktop/dist/main
 * finds it first. Redone only when Electron or better-sqlite3 change.
 */
async function prepareNativeModule(electronVersion: string): Promise<void> {
  const source = path.dirname(
    require.resolve('better-sqlite3/package.json', { paths: [desktopDir] }),
  );
  const { version } = JSON.parse(readFileSync(path.join(source, 'package.json'), 'utf8')) as {
    version: string;
  };
  const distDir = path.join(desktopDir, 'dist');
  const target = path.join(distDir, 'node_modules', 'better-sqlite3');
  const marker = path.join(target, '.built-for-electron');
  const wanted = `electron ${electronVersion}, better-sqlite3 ${version}`;
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return;
  say(`Building better-sqlite3 for Electron ${electronVersion} (once)…`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(path.dirname(target), { recursive: true });
  const builtForNode = path.join(source, 'build');
  cpSync(source, target, {
    recursive: true,
    filter: (file) => file !== builtForNode && !file.startsWith(`${builtForNode}${path.sep}`),
  });
  writeFileSync(
    path.join(distDir, 'package.json'),
    `${JSON.stringify(
      {
        private: true,
        description:
          'Written by scripts/start.ts: better-sqlite3 rebuilt for Electron for npm start',
        dependencies: { 'better-sqlite3': version },
      },
      null,
      2,
    )}\n`,
  );
  // The @electron/rebuild that electron-builder itself uses (it warns when a project adds its own).
  const builderLib = require.resolve('app-builder-lib/package.json', { paths: [desktopDir] });
  const entry = createRequire(builderLib).resolve('@electron/rebuild');
  const { rebuild } = (await import(pathToFileURL(entry).href)) as typeof ElectronRebuild;
  // projectRootPath keeps the rebuild inside desktop/dist: the shared copy stays built for Node.
  await rebuild({
    buildPath: distDir,
    projectRootPath: distDir,
    electronVersion,
    onlyModules: ['better-sqlite3'],
    force: true,
  });
  writeFileSync(marker, wanted);
}

async function main(): Promise<void> {
  const url = serverAddress(process.env);
  let server: ChildProcess | null = null;
  let app: ChildProcess | null = null;

  const stop = (signal: NodeJS.Signals) => {
    app?.kill(signal);
    if (server === null || server.exitCode !== null) process.exit(0);
    server.kill(signal);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  if (await healthy(url)) {
    say(`A chitchat server already answers at ${url}; using it.`);
  } else {
    server = spawn(process.execPath, ['--import', 'tsx', path.join('server', 'src', 'main.ts')], {
      cwd: repoRoot,
      stdio: 'inherit',
      env: process.env,
    });
    server.once('exit', (code, signal) => {
      app?.kill('SIGTERM');
      process.exit(code ?? (signal === null ? 1 : 0));
    });
    await untilHealthy(url, server);
    say(`chitchat server: running at ${url}`);
  }

  const skipDownload = ['1', 'true'].includes(process.env.ELECTRON_SKIP_BINARY_DOWNLOAD ?? '');
  let electron = findElectron();
  let downloadError: string | null = null;
  if (electron.binary === null && electron.packageDir !== null && !skipDownload) {
    downloadError = downloadElectron(electron.packageDir);
    electron = findElectron();
  }
  if (electron.binary === null || electron.version === null) {
    say(electronMissingMessage(url, electron, skipDownload, downloadError));
    if (server === null) process.exit(0);
    return; // the server child keeps this process alive
  }

  say('Building the desktop app…');
  if (!npm(['run', 'build', '-w', '@chitchat/desktop'])) {
    say(`The desktop app did not build (see above). The server keeps running at ${url}.`);
    return;
  }
  try {
    await prepareNativeModule(electron.version);
  } catch (error) {
    say(
      [
        `better-sqlite3 could not be built for Electron: ${String(error)}`,
        'The app needs it for its local cache. With network access (prebuilt binaries or Electron headers), run npm start again.',
        `The server keeps running at ${url}.`,
      ].join('\n'),
    );
    return;
  }
  say(`Starting the desktop app against ${url}…`);
  app = spawn(electron.binary, [desktopDir, `--server-url=${url}`, ...appArgs], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  app.once('exit', (code) => {
    app = null;
    if (server === null) process.exit(code ?? 0);
    say(`The app has quit. The server keeps running at ${url}; Ctrl+C stops it.`);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
