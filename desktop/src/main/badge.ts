/**
 * The unread badge: the count on the dock (macOS), the launcher (Linux, where supported), the
 * taskbar overlay (Windows), and the tray icon and its tooltip. Pure: the bitmaps are raw
 * premultiplied BGRA, which main turns into images with `nativeImage.createFromBitmap`.
 *
 * The count is the sum of unread messages over conversations that are not muted. Muting a
 * conversation means it should not call for attention: it neither notifies nor counts towards the
 * badge (its own unread pill in the list still shows). Conversations the user left still count
 * until read, as the list shows them.
 */
import type { ConnectionState } from '../common/contract';

export { badgeLabel, unreadTotal } from '../common/unread';

/** The tray icon's tooltip: the app (and profile), the unread count, and a word when not online. */
export function trayTooltip(input: {
  title: string;
  unread: number;
  connection: ConnectionState;
}): string {
  const unread =
    input.unread === 0
      ? 'no unread messages'
      : input.unread === 1
        ? '1 unread message'
        : `${input.unread} unread messages`;
  const connection =
    input.connection === 'online'
      ? ''
      : input.connection === 'connecting'
        ? ' (connecting…)'
        : ' (offline)';
  return `${input.title}: ${unread}${connection}`;
}

/** A raw bitmap: `width * height` pixels of premultiplied B, G, R, A bytes. */
export interface Bitmap {
  width: number;
  height: number;
  data: Uint8Array;
}

const BADGE_RED = { r: 0xe5, g: 0x39, b: 0x35 };

/** A 3x5 pixel font: enough for a count. Rows top to bottom, three bits each. */
const GLYPHS: Record<string, readonly string[]> = {
  '0': ['111', '101', '101', '101', '111'],
  '1': ['010', '110', '010', '010', '111'],
  '2': ['111', '001', '111', '100', '111'],
  '3': ['111', '001', '111', '001', '111'],
  '4': ['101', '101', '111', '001', '001'],
  '5': ['111', '100', '111', '001', '111'],
  '6': ['111', '100', '111', '101', '111'],
  '7': ['111', '001', '001', '001', '001'],
  '8': ['111', '101', '111', '101', '111'],
  '9': ['111', '101', '111', '001', '111'],
  '+': ['000', '010', '111', '010', '000'],
};

function blend(
  bitmap: Bitmap,
  x: number,
  y: number,
  colour: { r: number; g: number; b: number },
  alpha: number,
): void {
  if (alpha <= 0 || x < 0 || y < 0 || x >= bitmap.width || y >= bitmap.height) return;
  const i = (y * bitmap.width + x) * 4;
  const d = bitmap.data;
  const keep = 1 - alpha;
  d[i] = Math.round(colour.b * alpha + (d[i] ?? 0) * keep);
  d[i + 1] = Math.round(colour.g * alpha + (d[i + 1] ?? 0) * keep);
  d[i + 2] = Math.round(colour.r * alpha + (d[i + 2] ?? 0) * keep);
  d[i + 3] = Math.round(255 * alpha + (d[i + 3] ?? 0) * keep);
}

/** Fills a circle (or, wider than tall, a pill) with 4x4 supersampled edges. */
function fillPill(bitmap: Bitmap, left: number, top: number, width: number, height: number): void {
  const radius = height / 2;
  const samples = 4;
  for (let y = Math.floor(top); y < Math.ceil(top + height); y++)
    for (let x = Math.floor(left); x < Math.ceil(left + width); x++) {
      let inside = 0;
      for (let sy = 0; sy < samples; sy++)
        for (let sx = 0; sx < samples; sx++) {
          const px = x + (sx + 0.5) / samples;
          const py = y + (sy + 0.5) / samples;
          const cx = Math.min(Math.max(px, left + radius), left + width - radius);
          const cy = top + radius;
          if ((px - cx) ** 2 + (py - cy) ** 2 <= radius * radius) inside++;
        }
      blend(bitmap, x, y, BADGE_RED, inside / (samples * samples));
    }
}

/**
 * A red badge with the label in white, `size` pixels tall: a circle for one digit, a pill for more
 * (the dock-like look); with `square`, always a circle, the digits shrunk to fit it, as the Windows
 * taskbar overlay must be (16 px, so render at 16 times the scale factor).
 */
export function renderCountBadge(
  label: string,
  size: number,
  options: { square?: boolean } = {},
): Bitmap {
  const glyphs = Array.from(label).filter((ch) => GLYPHS[ch] !== undefined);
  const cells = Math.max(1, glyphs.length * 4 - 1); // 3 per glyph and 1 between
  const padding = Math.ceil(size / 4);
  // The digits take about 5/8 of the height; in a circle they must also fit its width.
  let cell = Math.max(1, Math.floor(size / 8));
  if (options.square === true)
    cell = Math.max(1, Math.min(cell, Math.floor((size - padding) / cells)));
  const textWidth = cells * cell;
  const width = options.square === true ? size : Math.max(size, textWidth + 2 * padding);
  const bitmap: Bitmap = { width, height: size, data: new Uint8Array(width * size * 4) };
  fillPill(bitmap, 0, 0, width, size);
  const left = Math.floor((width - textWidth) / 2);
  const top = Math.floor((size - 5 * cell) / 2);
  glyphs.forEach((ch, index) => {
    const rows = GLYPHS[ch] ?? [];
    rows.forEach((row, gy) => {
      for (let gx = 0; gx < 3; gx++) {
        if (row[gx] !== '1') continue;
        for (let dy = 0; dy < cell; dy++)
          for (let dx = 0; dx < cell; dx++)
            blend(
              bitmap,
              left + (index * 4 + gx) * cell + dx,
              top + gy * cell + dy,
              { r: 255, g: 255, b: 255 },
              1,
            );
      }
    });
  });
  return bitmap;
}

/**
 * The tray icon with a red dot in its top-right corner, for "there is something unread". A tray
 * icon is too small for a legible number; the count is in the tooltip (and beside the icon on
 * macOS, `tray.setTitle`).
 */
export function withUnreadDot(icon: Bitmap): Bitmap {
  const copy: Bitmap = { width: icon.width, height: icon.height, data: Uint8Array.from(icon.data) };
  const diameter = Math.max(4, Math.round(Math.min(icon.width, icon.height) * 0.5));
  fillPill(copy, icon.width - diameter, 0, diameter, diameter);
  return copy;
}
