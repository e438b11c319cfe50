/** The Web Crypto random source, present in Node (19+), Electron and browsers. */
const random = (globalThis as unknown as { crypto: { getRandomValues(bytes: Uint8Array): void } })
  .crypto;

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

let lastMs = 0;
let sequence = 0;
const id = new Uint8Array(16);
// Random bytes are drawn in blocks: one call per 512 ids, not one per id.
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

/**
 * A time-ordered UUID (version 7, RFC 9562): 48 bits of milliseconds, a 12-bit counter that keeps
 * ids made within one millisecond in order, then 62 random bits. The server mints event ids this
 * way and the app its clientMsgIds: ids made one after another sort after each other, so the
 * indexes that must find them (the server's idempotency index) grow at one end instead of
 * touching a random page per message. Monotonic within one process, even if the clock steps back.
 */
export function timeOrderedId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    // 4,096 ids in one millisecond: borrow the next millisecond rather than lose the order.
    lastMs += 1;
    sequence = 0;
  }
  if (poolOffset === pool.length) {
    random.getRandomValues(pool);
    poolOffset = 0;
  }
  id.set(pool.subarray(poolOffset, poolOffset + 8), 8);
  poolOffset += 8;
  let ms = lastMs;
  for (let i = 5; i >= 0; i--) {
    id[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  id[6] = 0x70 | (sequence >> 8);
  id[7] = sequence & 0xff;
  id[8] = 0x80 | ((id[8] ?? 0) & 0x3f);
  let text = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text += '-';
    text += HEX[id[i] ?? 0];
  }
  return text;
}
