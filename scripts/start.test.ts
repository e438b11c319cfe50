// `npm start` where the Electron binary is missing (always the case on the build machine): it says
// so plainly, says how to get it, and keeps the server running.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '../server/test/net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '..');

/** Resolves with everything printed so far once `text` has been printed; fails after 30 s. */
function printed(child: ChildProcess, text: string, output: { value: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (output.value.includes(text)) {
        clearTimeout(timer);
        resolve(output.value);
      }
    };
    const timer = setTimeout(
      () => reject(new Error(`"${text}" never printed:\n${output.value}`)),
      30_000,
    );
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', (code) =>
      reject(new Error(`exited with ${code} before "${text}":\n${output.value}`)),
    );
    check();
  });
}

describe('npm start without the Electron binary', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

  function start(env: Record<string, string>) {
    // An empty Electron dist folder: "missing" even on a machine that has the binary, and no
    // download is tried.
    const noElectron = mkdtempSync(path.join(tmpdir(), 'chitchat-no-electron-'));
    const data = mkdtempSync(path.join(tmpdir(), 'chitchat-start-'));
    cleanups.push(() => rmSync(noElectron, { recursive: true, force: true }));
    cleanups.push(() => rmSync(data, { recursive: true, force: true }));
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATA_DIR: data,
        LOG_LEVEL: 'warn',
        ELECTRON_OVERRIDE_DIST_PATH: noElectron,
        ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: if a test fails half-way, the server it started goes down with it.
      detached: true,
    });
    cleanups.push(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    });
    const output = { value: '' };
    child.stdout.on('data', (chunk: Buffer) => (output.value += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output.value += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { child, output, exited };
  }

  // Each test starts one or two real servers through tsx: several seconds.
  it(
    'says plainly that the app needs the binary and how to get it, and keeps the server up',
    { timeout: 60_000 },
    async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const { child, output, exited } = start({ PORT: String(port) });

      const text = await printed(child, 'The server keeps running', output);
      expect(text).toContain(`chitchat server: running at ${url}`);
      expect(text).toContain('The desktop app was not started: the Electron binary is missing');
      expect(text).toContain('npx install-electron');
      expect(text).toContain('npx electron --version');
      expect(text).toContain('npm run dist');
      expect(text).toContain(`The server keeps running at ${url}`);

      // Still up a moment later: the script did not exit after its message.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(child.exitCode).toBeNull();
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    },
  );

  it(
    'uses a chitchat server that already answers on the address instead of starting another',
    { timeout: 60_000 },
    async () => {
      const port = await freePort();
      const first = start({ PORT: String(port) });
      await printed(first.child, 'The server keeps running', first.output);

      const second = start({ PORT: String(port) });
      const text = await printed(second.child, 'The desktop app was not started', second.output);
      expect(text).toContain(
        `A chitchat server already answers at http://127.0.0.1:${port}; using it.`,
      );
      expect(await second.exited).toBe(0);

      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
    },
  );
});
