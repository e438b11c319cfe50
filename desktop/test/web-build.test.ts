/**
 * The web app as `npm run build:web` writes it (issue #17, DESIGN §11): nothing inline in the HTML
 * (the CSP allows no inline script or style), a service worker that precaches exactly this build,
 * and an installable manifest with its icons.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const desktopDir = path.resolve(import.meta.dirname, '..');
const outDir = mkdtempSync(path.join(tmpdir(), 'chitchat-web-build-'));
const read = (file: string) => readFileSync(path.join(outDir, file), 'utf8');

beforeAll(() => {
  const vite = path.resolve(desktopDir, '..', 'node_modules', 'vite', 'bin', 'vite.js');
  const build = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'vite.web.config.ts', '--outDir', outDir, '--emptyOutDir'],
    { cwd: desktopDir, encoding: 'utf8' },
  );
  if (build.status !== 0) throw new Error(`vite build failed:\n${build.stdout}\n${build.stderr}`);
}, 120_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the web build', () => {
  it('has no inline script or style in index.html, only files of its own origin', () => {
    const html = read('index.html');
    const scripts = Array.from(html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g));
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/assets\/[^"]+\.js"/);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain('<link rel="manifest" href="/manifest.webmanifest"');
    // Every file the page names exists in the build.
    for (const [, file] of html.matchAll(/(?:src|href)="\/([^"]+)"/g))
      expect(existsSync(path.join(outDir, file ?? '')), file).toBe(true);
  });

  it('puts hashed files under assets/ and the service worker at /sw.js with this build in its cache list', () => {
    const assets = readdirSync(path.join(outDir, 'assets')).filter((f) => !f.endsWith('.map'));
    for (const file of assets) expect(file).toMatch(/-[A-Za-z0-9_-]{8}\.[a-z0-9]+$/);
    const sw = read('sw.js');
    const match = /JSON\.parse\((".*?[^\\]")\)/.exec(sw);
    expect(match).not.toBeNull();
    const precache = JSON.parse(JSON.parse(match?.[1] ?? '""') as string) as {
      version: string;
      files: string[];
    };
    expect(precache.version).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(precache.files)).toEqual(
      new Set([
        ...assets.map((file) => `/assets/${file}`),
        '/manifest.webmanifest',
        '/icons/icon-192.png',
        '/icons/icon-512.png',
        '/icons/icon-maskable-512.png',
        ...(existsSync(path.join(outDir, 'engine.worker.js')) ? ['/engine.worker.js'] : []),
      ]),
    );
  });

  it('ships an installable manifest: name, start_url, standalone, theme colours, 192/512 and maskable icons', async () => {
    const manifest = JSON.parse(read('manifest.webmanifest')) as {
      name: string;
      start_url: string;
      display: string;
      theme_color: string;
      background_color: string;
      icons: { src: string; sizes: string; type: string; purpose: string }[];
    };
    expect(manifest).toMatchObject({
      name: 'chitchat',
      start_url: '/',
      display: 'standalone',
      theme_color: '#136c57',
      background_color: '#f3f4f6',
    });
    const bySize = manifest.icons.map((icon) => `${icon.sizes} ${icon.purpose}`);
    expect(bySize).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
    for (const icon of manifest.icons) {
      const meta = await sharp(path.join(outDir, icon.src)).metadata();
      expect(`${meta.width}x${meta.height}`).toBe(icon.sizes);
      expect(meta.format).toBe('png');
    }
    // Maskable: the background reaches the corners (a platform may cut any shape from it).
    const { data } = await sharp(path.join(outDir, '/icons/icon-maskable-512.png'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(data[3]).toBe(255);
  });
});
