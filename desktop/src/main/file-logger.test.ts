import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileLogger } from './file-logger';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe("main's log file", () => {
  it('writes one JSON line per entry and starts over past the limit, keeping one old file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chitchat-log-'));
    dirs.push(dir);
    const file = path.join(dir, 'logs', 'main.log');
    const logger = createFileLogger(file, { maxBytes: 200, now: () => new Date(0) });
    logger.info('engine started', { pid: 42 });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      level: 'info',
      message: 'engine started',
      pid: 42,
    });
    for (let i = 0; i < 5; i++) logger.warn(`line ${i}`);
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(readFileSync(file, 'utf8').length).toBeLessThanOrEqual(200);
    expect(readFileSync(file, 'utf8')).toContain('line 4');
  });
});
