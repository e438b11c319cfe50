import type { Reporter, TestModule } from 'vitest/node';

interface ProjectTimes {
  files: number;
  tests: number;
  failed: number;
  /** Sum of the files' own durations (setup, import and tests). */
  busyMs: number;
  firstStart: number;
  lastEnd: number;
}

/**
 * Prints, after every run, the wall time and the summed file time of each vitest project, so a slow
 * project shows in CI's log (the whole run must stay well under CI's limit).
 */
export class ProjectTimesReporter implements Reporter {
  private readonly projects = new Map<string, ProjectTimes>();
  private readonly started = new Map<string, number>();

  onTestModuleStart(module: TestModule): void {
    this.started.set(module.moduleId, Date.now());
  }

  onTestModuleEnd(module: TestModule): void {
    const name = module.project.name || '(root)';
    const start = this.started.get(module.moduleId) ?? Date.now();
    const entry = this.projects.get(name) ?? {
      files: 0,
      tests: 0,
      failed: 0,
      busyMs: 0,
      firstStart: start,
      lastEnd: start,
    };
    const diagnostic = module.diagnostic();
    entry.files += 1;
    for (const test of module.children.allTests()) {
      entry.tests += 1;
      if (test.result().state === 'failed') entry.failed += 1;
    }
    entry.busyMs +=
      diagnostic.environmentSetupDuration +
      diagnostic.prepareDuration +
      diagnostic.collectDuration +
      diagnostic.setupDuration +
      diagnostic.duration;
    entry.firstStart = Math.min(entry.firstStart, start);
    entry.lastEnd = Math.max(entry.lastEnd, Date.now());
    this.projects.set(name, entry);
  }

  onTestRunEnd(): void {
    if (this.projects.size === 0) return;
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(9);
    const lines = [...this.projects.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([name, p]) =>
          `  ${name.padEnd(10)} ${String(p.files).padStart(4)} files ${String(p.tests).padStart(5)} tests ${String(p.failed).padStart(3)} failed   wall ${seconds(p.lastEnd - p.firstStart)}   file time ${seconds(p.busyMs)}`,
      );
    process.stdout.write(`\nTime per test project:\n${lines.join('\n')}\n`);
  }
}
