// Proves that `npm run lint` refuses imports running against the dependency direction of
// DESIGN.md §1. The rules come from the real eslint.config.js; only type-aware linting is switched
// off, because the fixtures are virtual files that no tsconfig project contains.
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '..');

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot, overrideConfig: [tseslint.configs.disableTypeChecked] });
});

/** The layering complaints (one message per refused import) for `code` as if it lived at `filePath`. */
async function layeringErrors(filePath: string, code: string): Promise<string[]> {
  const results = await eslint.lintText(code, { filePath, warnIgnored: true });
  const messages = results.flatMap((result) => result.messages);
  // A parse error or an ignored file would make "no layering error" pass for the wrong reason.
  expect(messages.filter((message) => message.ruleId === null)).toEqual([]);
  return messages
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

describe('layering rules (DESIGN §1)', () => {
  it('refuses shared importing the server package or reaching into server/ and desktop/', async () => {
    const errors = await layeringErrors(
      'shared/src/__fixture__.ts',
      [
        "import { createApp } from '@chitchat/server';",
        "import { config } from '../../server/src/config.ts';",
        "import { engine } from '../../desktop/src/core/engine.ts';",
        'export const fixture = [createApp, config, engine];',
      ].join('\n'),
    );
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/shared is the protocol/);
  });

  it('refuses server importing desktop', async () => {
    const errors = await layeringErrors(
      'server/src/services/__fixture__.ts',
      [
        "import type { Engine } from '@chitchat/desktop';",
        "import { engine } from '../../../desktop/src/core/engine.ts';",
        'export const fixture: Engine = engine;',
      ].join('\n'),
    );
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/never on desktop/);
  });

  it('refuses electron and the Electron shell in desktop/core', async () => {
    const errors = await layeringErrors(
      'desktop/src/core/x.ts',
      [
        "import { app } from 'electron';",
        "import { createWindow } from '../main/window.ts';",
        'export const fixture = [app, createWindow];',
      ].join('\n'),
    );
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/desktop\/core is plain Node/);
  });

  it('refuses Node builtins, Electron and the engine in the renderer, at any depth', async () => {
    const shallow = await layeringErrors(
      'desktop/src/renderer/x.tsx',
      [
        "import { readFileSync } from 'node:fs';",
        "import path from 'path';",
        "import { ipcRenderer } from 'electron';",
        "import { LocalStore } from '../core/store';",
        'export const fixture = [readFileSync, path, ipcRenderer, LocalStore];',
      ].join('\n'),
    );
    expect(shallow).toHaveLength(4);
    expect(shallow[0]).toMatch(/desktop\/renderer is browser code/);

    const deep = await layeringErrors(
      'desktop/src/renderer/chat/MessageList.tsx',
      [
        "import { LocalStore } from '../../core/store';",
        "import { bridge } from '../../preload/index.ts';",
        'export const fixture = [LocalStore, bridge];',
      ].join('\n'),
    );
    expect(deep).toHaveLength(2);
  });

  it('refuses electron and the engine in desktop/common, and core or renderer in preload', async () => {
    const common = await layeringErrors(
      'desktop/src/common/contract.ts',
      [
        "import type { IpcRendererEvent } from 'electron';",
        "import type { LocalStore } from '../core/store.ts';",
        'export type Fixture = [IpcRendererEvent, LocalStore];',
      ].join('\n'),
    );
    expect(common).toHaveLength(2);

    const preload = await layeringErrors(
      'desktop/src/preload/index.ts',
      [
        "import { LocalStore } from '../core/store.ts';",
        "import { App } from '../renderer/App.tsx';",
        'export const fixture = [LocalStore, App];',
      ].join('\n'),
    );
    expect(preload).toHaveLength(2);
  });

  it('accepts imports that run the right way', async () => {
    const fromServer = await layeringErrors(
      'server/src/services/__fixture__.ts',
      [
        "import { PROTOCOL_VERSION } from '@chitchat/shared';",
        "import { config } from '../config.ts';",
        'export const fixture = [PROTOCOL_VERSION, config];',
      ].join('\n'),
    );
    expect(fromServer).toEqual([]);

    const fromRenderer = await layeringErrors(
      'desktop/src/renderer/chat/MessageList.tsx',
      [
        "import { PROTOCOL_VERSION } from '@chitchat/shared';",
        "import type { EngineContract } from '../../common/contract.ts';",
        "import { Avatar } from '../core/Avatar.tsx';", // renderer/core, not desktop/src/core
        'export const fixture: [number, EngineContract | null, unknown] = [PROTOCOL_VERSION, null, Avatar];',
      ].join('\n'),
    );
    expect(fromRenderer).toEqual([]);
  });
});
