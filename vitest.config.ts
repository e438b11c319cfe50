import { defineConfig } from 'vitest/config';
import { ProjectTimesReporter } from './scripts/project-times-reporter.ts';

// One run covers every workspace; `npx vitest run --project <name>` runs one of them.
export default defineConfig({
  test: {
    pool: 'forks',
    reporters: ['default', new ProjectTimesReporter()],
    // Lets `--project desktop` pass while desktop has no tests yet; a whole run still has tests.
    passWithNoTests: true,
    // expect.poll waits for a state (a bubble, a tick) that arrives over real sockets; its default of
    // one second fails a correct run when a full suite shares two cores with Chromium and servers.
    expect: { poll: { timeout: 10_000 } },
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
          exclude: ['test/e2e/**'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        // The browser suites drive Chromium against real servers: one file at a time, after the
        // rest, so two Chromiums never compete for the two cores with each other or the server tests.
        extends: true,
        test: {
          name: 'browser',
          root: 'desktop',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        // These spawn ESLint, electron-builder and the start script: seconds each on a busy machine.
        test: {
          name: 'scripts',
          root: '.',
          include: ['scripts/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
