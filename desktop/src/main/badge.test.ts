import { describe, expect, it } from 'vitest';
import {
  badgeLabel,
  renderCountBadge,
  trayTooltip,
  unreadTotal,
  withUnreadDot,
  type Bitmap,
} from './badge';

describe('the unread count on the badge', () => {
  it('adds up unread messages of conversations that are not muted', () => {
    expect(
      unreadTotal([
        { muted: false, unreadCount: 3 },
        { muted: true, unreadCount: 40 },
        { muted: false, unreadCount: 0 },
        { muted: false, unreadCount: 2 },
      ]),
    ).toBe(5);
    expect(unreadTotal([])).toBe(0);
  });

  it('reads nothing at zero and caps at 99+', () => {
    expect(badgeLabel(0)).toBe('');
    expect(badgeLabel(7)).toBe('7');
    expect(badgeLabel(99)).toBe('99');
    expect(badgeLabel(100)).toBe('99+');
  });

  it('says the count, the profile and the connection in the tray tooltip', () => {
    expect(trayTooltip({ title: 'chitchat', unread: 0, connection: 'online' })).toBe(
      'chitchat: no unread messages',
    );
    expect(trayTooltip({ title: 'chitchat (work)', unread: 1, connection: 'offline' })).toBe(
      'chitchat (work): 1 unread message (offline)',
    );
    expect(trayTooltip({ title: 'chitchat', unread: 12, connection: 'connecting' })).toBe(
      'chitchat: 12 unread messages (connecting…)',
    );
  });
});

/** B, G, R, A of one pixel. */
const pixel = (bitmap: Bitmap, x: number, y: number) =>
  Array.from(bitmap.data.slice((y * bitmap.width + x) * 4, (y * bitmap.width + x) * 4 + 4));

/** The pixels of a row as characters: '#' white, 'r' red, '.' transparent. */
const row = (bitmap: Bitmap, y: number) =>
  Array.from({ length: bitmap.width }, (_, x) => {
    const [b, g, r, a] = pixel(bitmap, x, y);
    if (a === 0) return '.';
    if (r === 255 && g === 255 && b === 255) return '#';
    return r !== undefined && r > 200 && (g ?? 0) < 100 ? 'r' : '?';
  }).join('');

describe('badge pictures', () => {
  it('draws a one-digit count as a red disc with white digits', () => {
    const badge = renderCountBadge('7', 16);
    expect([badge.width, badge.height]).toEqual([16, 16]);
    expect(pixel(badge, 0, 0)[3]).toBe(0); // the corner lies outside the disc
    expect(pixel(badge, 8, 1)).toEqual([0x35, 0x39, 0xe5, 255]);
    // "7" in 2 px cells, centred: a full top bar, then a single column on the right.
    expect(row(badge, 3)).toBe('.?rrr######rrr?.');
    expect(row(badge, 7)).toBe('rrrrrrrrr##rrrrr');
  });

  it('widens to a pill for 99+ and keeps every glyph inside', () => {
    const badge = renderCountBadge('99+', 32);
    expect(badge.height).toBe(32);
    expect(badge.width).toBeGreaterThan(32);
    const whiteRows = Array.from({ length: badge.height }, (_, y) => row(badge, y)).filter((r) =>
      r.includes('#'),
    );
    expect(whiteRows.length).toBeGreaterThan(0);
    expect(whiteRows).toHaveLength(20); // five font rows of 4 px cells
    for (const r of whiteRows) expect(r.startsWith('#') || r.endsWith('#')).toBe(false);
  });

  it('fits 99+ inside a circle for the square Windows overlay', () => {
    const badge = renderCountBadge('99+', 32, { square: true });
    expect([badge.width, badge.height]).toEqual([32, 32]);
    for (let y = 0; y < 32; y++)
      for (let x = 0; x < 32; x++) {
        const [b, g, r] = pixel(badge, x, y);
        if (r === 255 && g === 255 && b === 255)
          expect((x + 0.5 - 16) ** 2 + (y + 0.5 - 16) ** 2, `${x},${y}`).toBeLessThan(15 ** 2);
      }
    expect(row(badge, 11)).toContain('#');
  });

  it('puts a red dot on the tray icon without touching the rest of it', () => {
    const icon: Bitmap = { width: 16, height: 16, data: new Uint8Array(16 * 16 * 4).fill(0x80) };
    const dotted = withUnreadDot(icon);
    expect(pixel(dotted, 12, 4)).toEqual([0x35, 0x39, 0xe5, 255]);
    expect(pixel(dotted, 2, 12)).toEqual([0x80, 0x80, 0x80, 0x80]);
    expect(Array.from(icon.data.slice(0, 4))).toEqual([0x80, 0x80, 0x80, 0x80]);
    expect(pixel(icon, 12, 4)).toEqual([0x80, 0x80, 0x80, 0x80]);
  });
});
