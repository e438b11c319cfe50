import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';

/*
 * The served web app's browser suites (issue #17): the real `npm run build:web` output, built once
 * per suite into a temp folder the suite's server serves as WEB_APP_DIR.
 */

const desktopRoot = path.resolve(import.meta.dirname, '../..');
export const WEB_PASSWORD = 'correct horse battery';

/** Builds the web app (production) into a fresh temp folder and answers the folder. */
export async function buildWebApp(): Promise<string> {
  const webDir = mkdtempSync(path.join(tmpdir(), 'chitchat-web-e2e-'));
  const { build } = await import('vite');
  await build({
    configFile: path.join(desktopRoot, 'vite.web.config.ts'),
    logLevel: 'warn',
    mode: 'production',
    build: { outDir: webDir, emptyOutDir: true },
  });
  return webDir;
}

/** Signs up a new account in the web app at `url` (the server prefilled), up to the chat list. */
export async function signUpInWeb(page: Page, url: string, username: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByRole('button', { name: 'New here? Create an account' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(WEB_PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
}
