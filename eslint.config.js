// Lint config for the whole monorepo. Besides style and safety rules it enforces the layering of
// DESIGN.md §1: a file's layer is its folder, and `no-restricted-imports` refuses imports that run
// the wrong way. scripts/lint-layering.test.ts proves the layering rules bite.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TS_FILES = ['**/*.ts', '**/*.tsx'];
const TEST_FILES = ['**/*.test.ts', '**/*.test.tsx', '**/test/**', '**/bench/**'];
/** Files linted without type information: tool configs and plain-JS scripts. */
const UNTYPED_FILES = ['**/*.config.*', 'scripts/*.mjs'];

// ---------------------------------------------------------------------------------------------
// Layering
//
// `no-restricted-imports` sees only the import string, not the file it resolves to. A package name
// is easy to match; a relative path into another layer depends on how deep the importing file
// sits. So each layer gets one config block per folder depth, and for that depth the regex climbs
// exactly back to the common ancestor and down into the forbidden folder (e.g. from
// desktop/src/renderer/chat/List.tsx, `../../core/...` and `../../../src/core/...`). Folders that
// do not exist yet are covered the same way: the globs simply match nothing until they do.
// ---------------------------------------------------------------------------------------------

/** Deepest folder nesting below a layer's root that the relative-path rules cover. */
const MAX_DEPTH = 10;

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Regex for import specifiers naming one of `names` or a subpath of it (`electron/main`). */
const packageRegex = (names) => `^(?:${names.map(escapeRegex).join('|')})(?:/|$)`;

/**
 * Regex for relative specifiers, written from a file whose directory is `fromDir` (segments, where
 * `*` stands for one folder of any name), that reach any of `targets` (repo-relative folders).
 */
function relativePathRegex(fromDir, targets) {
  const routes = targets.flatMap((target) => {
    const targetSegments = target.split('/');
    let common = 0;
    while (common < fromDir.length && fromDir[common] === targetSegments[common]) common += 1;
    // Climbing to the common ancestor and going down is the normal form; climbing further and
    // coming back down (`../../src/core` from desktop/src/renderer) reaches the same folder.
    return Array.from({ length: common + 1 }, (_, stop) => {
      const ups = fromDir.length - stop;
      return `(?:\\.\\./){${ups}}${escapeRegex(targetSegments.slice(stop).join('/'))}`;
    });
  });
  return `^(?:\\./)?(?:${routes.join('|')})(?:/|$)`;
}

/**
 * Config blocks forbidding, for every file under `folder`, imports of the given packages (or
 * package patterns, as regexes) and relative imports into the given repo folders.
 *
 * @param {string} folder repo-relative root of the layer, e.g. `desktop/src/core`
 * @param {{ message: string, packages?: string[], packagePatterns?: string[], folders?: string[] }} rule
 */
function layer(folder, { message, packages = [], packagePatterns = [], folders = [] }) {
  const packageRegexes = [
    ...(packages.length > 0 ? [packageRegex(packages)] : []),
    ...packagePatterns,
  ];

  return Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => {
    const fromDir = [...folder.split('/'), ...Array(depth).fill('*')];
    return {
      name: `chitchat/layering ${folder} (depth ${depth})`,
      files: [`${fromDir.join('/')}/*.{ts,tsx}`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              ...packageRegexes,
              ...(folders.length > 0 ? [relativePathRegex(fromDir, folders)] : []),
            ].map((regex) => ({ regex, message })),
          },
        ],
      },
    };
  });
}

const NODE_BUILTINS = builtinModules.filter((name) => !name.startsWith('_') && !name.includes('/'));

const layering = [
  ...layer('shared', {
    message: 'shared is the protocol: it imports nothing from server or desktop (DESIGN §1).',
    packages: ['@chitchat/server', '@chitchat/desktop'],
    folders: ['server', 'desktop'],
  }),
  ...layer('server', {
    message: 'server depends on shared only, never on desktop (DESIGN §1).',
    packages: ['@chitchat/desktop'],
    folders: ['desktop'],
  }),
  ...layer('desktop/src/core', {
    message:
      'desktop/core is plain Node (no electron) and knows nothing of main, renderer or preload (DESIGN §1).',
    packages: ['electron'],
    folders: ['desktop/src/main', 'desktop/src/renderer', 'desktop/src/preload'],
  }),
  ...layer('desktop/src/common', {
    message:
      'desktop/common is the transport-agnostic contract: no electron, no core, main, renderer or preload (DESIGN §1).',
    packages: ['electron'],
    folders: [
      'desktop/src/core',
      'desktop/src/main',
      'desktop/src/renderer',
      'desktop/src/preload',
    ],
  }),
  ...layer('desktop/src/renderer', {
    message:
      'desktop/renderer is browser code: it imports only desktop/common and @chitchat/shared among project code, and no Node or Electron modules (DESIGN §1).',
    packages: ['electron', 'better-sqlite3', '@chitchat/server', ...NODE_BUILTINS],
    packagePatterns: ['^node:'],
    folders: ['desktop/src/core', 'desktop/src/main', 'desktop/src/preload', 'server'],
  }),
  ...layer('desktop/src/preload', {
    message:
      'desktop/preload exposes exactly the contract of desktop/common: no core or renderer imports (DESIGN §1).',
    folders: ['desktop/src/core', 'desktop/src/renderer'],
  }),
];

// ---------------------------------------------------------------------------------------------

export default defineConfig(
  // `data/` only at the top and in a workspace (where DATA_DIR=./data lands), not any source folder.
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    '**/dist-types/',
    '**/out/',
    '**/coverage/',
    'data/',
    '*/data/',
  ]),

  js.configs.recommended,

  {
    name: 'chitchat/typescript',
    files: TS_FILES,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: {
          // scripts/ belongs to no workspace's tsconfig: type-check it with the base options.
          allowDefaultProject: ['scripts/*.ts'],
          defaultProject: 'tsconfig.base.json',
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
      // Store and service interfaces are async so that MongoDB fits them; the SQLite implementation
      // behind them is synchronous, so many `async` methods rightly contain no `await`.
      '@typescript-eslint/require-await': 'off',
    },
  },

  {
    name: 'chitchat/untyped',
    files: UNTYPED_FILES,
    extends: [tseslint.configs.disableTypeChecked],
  },

  {
    name: 'chitchat/tests-and-tools',
    files: [...TEST_FILES, 'scripts/**', 'server/src/main.ts'],
    rules: { 'no-console': 'off' },
  },

  {
    // vitest idioms: `expect(obj.method).toHaveBeenCalled()` and async callbacks without await.
    name: 'chitchat/tests',
    files: TEST_FILES,
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },

  {
    // better-sqlite3 12 aborts the process on Node 24 when a statement is collected: every runtime
    // value comes from the per-runtime loader (shared/src/sqlite-driver.ts); types may come straight.
    name: 'chitchat/sqlite-driver',
    files: TS_FILES,
    ignores: ['server/src/store/sqlite/driver.ts', 'desktop/src/core/local-store/driver.node.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'better-sqlite3',
              message:
                "Import { Database } from the workspace's sqlite driver.ts (it picks the build this Node can run).",
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },

  {
    // DESIGN §10: the engine runs in Node and in a browser Worker. Its portable files (every file in
    // desktop/src/core not named *.node.ts) import no Node module, no better-sqlite3 and no
    // *.node.ts file; each host's binding lives in a file named for its host (STYLE.md).
    name: 'chitchat/portable-engine',
    files: ['desktop/src/core/**/*.ts'],
    ignores: ['desktop/src/core/**/*.node.ts', 'desktop/src/core/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'better-sqlite3',
              message: 'Portable engine code uses the SqlDatabase interface (local-store/sql.ts).',
            },
          ],
          patterns: [
            {
              regex: `^(?:node:|(?:${NODE_BUILTINS.map(escapeRegex).join('|')})(?:/|$))`,
              message:
                'Portable engine code runs in a browser Worker too: put Node code in a *.node.ts file behind the EngineHost (core/host.ts).',
            },
            {
              regex: String.raw`\.node(?:\.ts)?$`,
              message:
                'Only *.node.ts files and the hosts import *.node.ts files: reach Node through the EngineHost (core/host.ts).',
            },
          ],
        },
      ],
    },
  },

  ...layering,
);
