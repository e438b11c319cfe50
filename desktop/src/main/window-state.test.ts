import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WINDOW_SIZE,
  MIN_WINDOW_SIZE,
  parseWindowState,
  restoreWindowState,
  type Rect,
} from './window-state';

// A 1920x1080 laptop screen with a 40 px taskbar, and an external 2560x1440 screen to its right.
const laptop: Rect = { x: 0, y: 0, width: 1920, height: 1040 };
const external: Rect = { x: 1920, y: 0, width: 2560, height: 1440 };

describe('restoring the window where it was', () => {
  it('opens a first window at the default size, centred on the primary display', () => {
    expect(restoreWindowState(null, [laptop], laptop)).toEqual({
      bounds: { x: 410, y: 140, ...DEFAULT_WINDOW_SIZE },
      maximized: false,
    });
  });

  it('puts a window that fits back exactly where it was, maximized or not', () => {
    const saved = { bounds: { x: 2100, y: 200, width: 1200, height: 900 }, maximized: true };
    expect(restoreWindowState(saved, [laptop, external], laptop)).toEqual(saved);
  });

  it('centres a window whose display was unplugged on the primary one', () => {
    const saved = { bounds: { x: 2100, y: 200, width: 1200, height: 900 }, maximized: false };
    expect(restoreWindowState(saved, [laptop], laptop)).toEqual({
      bounds: { x: 360, y: 70, width: 1200, height: 900 },
      maximized: false,
    });
  });

  it('shrinks a window larger than its display and pulls a half-hidden one fully inside', () => {
    const huge = { bounds: { x: -50, y: -30, width: 3000, height: 2000 }, maximized: false };
    expect(restoreWindowState(huge, [laptop], laptop).bounds).toEqual(laptop);
    const hanging = { bounds: { x: 1500, y: 800, width: 800, height: 600 }, maximized: false };
    expect(restoreWindowState(hanging, [laptop], laptop).bounds).toEqual({
      x: 1120,
      y: 440,
      width: 800,
      height: 600,
    });
  });

  it('keeps a window straddling two displays on the one it mostly covers', () => {
    const straddling = { bounds: { x: 1800, y: 100, width: 1000, height: 700 }, maximized: false };
    expect(restoreWindowState(straddling, [laptop, external], laptop).bounds).toEqual({
      x: 1920,
      y: 100,
      width: 1000,
      height: 700,
    });
  });

  it('never restores below the minimum size, unless the display itself is smaller', () => {
    const tiny = { bounds: { x: 10, y: 10, width: 50, height: 20 }, maximized: false };
    expect(restoreWindowState(tiny, [laptop], laptop).bounds).toMatchObject(MIN_WINDOW_SIZE);
    const small: Rect = { x: 0, y: 0, width: 600, height: 400 };
    expect(restoreWindowState(tiny, [small], small).bounds).toEqual(small);
  });
});

describe('reading the saved state', () => {
  it('accepts what main writes and nothing malformed', () => {
    expect(
      parseWindowState({ bounds: { x: 1.4, y: 2, width: 800, height: 600 }, maximized: true }),
    ).toEqual({ bounds: { x: 1, y: 2, width: 800, height: 600 }, maximized: true });
    for (const bad of [
      null,
      'x',
      {},
      { bounds: null },
      { bounds: { x: 0, y: 0, width: 0, height: 10 } },
      { bounds: { x: 0, y: 0, width: Number.NaN, height: 10 } },
      { bounds: { x: '0', y: 0, width: 10, height: 10 } },
    ])
      expect(parseWindowState(bad)).toBeNull();
  });
});
