import { defineConfig } from 'vitest/config';

// One run covers every workspace; `npx vitest run --project <name>` runs one of them.
export default defineConfig({
  test: {
    pool: 'forks',
    // Lets `--project desktop` pass while desktop has no tests yet; a whole run still has tests.
    passWithNoTests: true,
    projects: [
      {
        extends: true,
        test: { name: 'shared', root: 'shared', include: ['src/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'server',
          root: 'server',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'desktop',
          root: 'desktop',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: { name: 'scripts', root: '.', include: ['scripts/**/*.test.ts'] },
      },
    ],
  },
});
