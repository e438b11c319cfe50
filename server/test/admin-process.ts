import { spawn } from 'node:child_process';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../..');
/** Each command is a process that compiles TypeScript on start: seconds each on a busy machine. */
export const CLI_TEST_TIMEOUT_MS = 240_000;

/** Runs `npm run admin -- ...` as its own process (what the operator runs), against `dataDir`. */
export function admin(dataDir: string, ...argv: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/admin/cli.ts', ...argv], {
      cwd: repoRoot,
      env: { ...process.env, DATA_DIR: dataDir, MONGODB_URI: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
