import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadShellState, saveShellState } from './shell-state';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const fileIn = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chitchat-shell-'));
  dirs.push(dir);
  return path.join(dir, 'profile', 'shell-state.json');
};

describe('what main remembers between runs', () => {
  it('round-trips the window and the warnings already shown', () => {
    const file = fileIn();
    const state = {
      window: { bounds: { x: 10, y: 20, width: 900, height: 700 }, maximized: false },
      warned: ['plain-text-fallback' as const],
    };
    saveShellState(file, state);
    expect(loadShellState(file)).toEqual(state);
  });

  it('starts afresh from a missing or damaged file', () => {
    const file = fileIn();
    expect(loadShellState(file)).toEqual({ window: null, warned: [] });
    saveShellState(file, { window: null, warned: [] });
    writeFileSync(file, '{"window": {"bounds": ');
    expect(loadShellState(file)).toEqual({ window: null, warned: [] });
    writeFileSync(file, '{"window": 3, "warned": ["memory-only", "nonsense"]}');
    expect(loadShellState(file)).toEqual({ window: null, warned: ['memory-only'] });
  });
});
