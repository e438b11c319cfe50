/**
 * `npm run dist`: installers for the desktop app (electron-builder.yml). Needs network access: the
 * Electron binaries of each target, and better-sqlite3 for Electron (a prebuilt binary or Electron's
 * headers). Arguments go to electron-builder: `npm run dist -- --linux deb`, `-- --win nsis`.
 *
 * electron-builder rebuilds better-sqlite3 for Electron in place, in the shared node_modules, which
 * leaves it unusable for Node (the tests, the server). So this rebuilds it for Node afterwards,
 * whether packaging succeeded or not.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '..');
const win = process.platform === 'win32';

function run(command: string, args: string[]): number {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit', shell: win });
  return result.status ?? 1;
}

const npm = win ? 'npm.cmd' : 'npm';
let status = run(npm, ['run', 'build']);
if (status === 0) {
  status = run(npm, [
    'exec',
    '--',
    'electron-builder',
    '--config',
    'electron-builder.yml',
    ...process.argv.slice(2),
  ]);
  const restored = run(npm, ['rebuild', 'better-sqlite3']);
  if (restored !== 0)
    console.error(
      'Could not rebuild better-sqlite3 for Node: run `npm rebuild better-sqlite3` before `npm test`.',
    );
}
if (status === 0) console.log('Installers are in desktop/release/.');
process.exit(status);
