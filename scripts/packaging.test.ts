// The packaging configuration, checked without packaging (that needs the Electron download, which
// the build machine cannot reach): electron-builder's own schema, and the project's rules.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { APP_ID } from '../desktop/src/main/launch';

const repoRoot = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

interface BuilderConfig {
  appId?: string;
  directories?: { app?: string; buildResources?: string };
  /** Normalized by electron-builder into file sets. */
  files?: { filter?: string[] }[];
  asarUnpack?: string[];
  npmRebuild?: boolean;
  win?: { target?: { target: string }[] };
  mac?: { target?: { target: string }[] };
  linux?: { target?: { target: string }[]; executableName?: string };
}

/** electron-builder's loader and validator (app-builder-lib is its engine). */
const builder = require(
  require.resolve('app-builder-lib/out/util/config/config', {
    paths: [path.join(repoRoot, 'desktop')],
  }),
) as {
  getConfig(projectDir: string, configPath: string): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, debug: { isEnabled: boolean }): Promise<void>;
};

const loadConfig = () => builder.getConfig(repoRoot, 'electron-builder.yml');

describe('electron-builder.yml', () => {
  it('passes electron-builder validation', async () => {
    const config = await loadConfig();
    await expect(
      builder.validateConfiguration(config, { isEnabled: false }),
    ).resolves.toBeUndefined();
  });

  it('builds nsis, dmg, AppImage and deb, under the id the app registers with Windows', async () => {
    const config = await loadConfig();
    expect(config.appId).toBe(APP_ID);
    const targets = [config.win, config.mac, config.linux].flatMap((platform) =>
      (platform?.target ?? []).map((t) => t.target),
    );
    expect(targets.sort()).toEqual(['AppImage', 'deb', 'dmg', 'nsis']);
    // app.setDesktopName('chitchat.desktop') must name the .desktop file for the Linux badge.
    expect(config.linux?.executableName).toBe('chitchat');
  });

  it('rebuilds better-sqlite3 for Electron and keeps its native module out of the asar', async () => {
    const config = await loadConfig();
    expect(config.npmRebuild).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
  });

  it('ships the bundles and the renderer, with better-sqlite3 as the only module left unbundled', async () => {
    const config = await loadConfig();
    const patterns = (config.files ?? []).flatMap((set) => set.filter ?? []);
    expect(patterns).toEqual(expect.arrayContaining(['dist/main/**', 'dist/renderer/**']));
    const app = JSON.parse(
      readFileSync(path.join(repoRoot, config.directories?.app ?? '', 'package.json'), 'utf8'),
    ) as { main: string; dependencies: Record<string, string> };
    expect(app.main).toBe('dist/main/main.cjs');
    // Everything else is bundled by esbuild or Vite: a new runtime dependency belongs in
    // devDependencies unless it is native.
    expect(Object.keys(app.dependencies)).toEqual(['better-sqlite3']);
  });

  it('has the icons electron-builder derives the platform icons from', async () => {
    const config = await loadConfig();
    const resources = path.join(repoRoot, config.directories?.buildResources ?? '');
    expect(await sharp(path.join(resources, 'icon.png')).metadata()).toMatchObject({
      width: 1024,
      height: 1024,
    });
    expect(readdirSync(path.join(resources, 'icons')).sort()).toEqual([
      '128x128.png',
      '16x16.png',
      '256x256.png',
      '32x32.png',
      '48x48.png',
      '512x512.png',
      '64x64.png',
    ]);
  });
});
