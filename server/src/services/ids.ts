import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let sequence = 0;
const id = Buffer.alloc(16);
// Random bytes are drawn from the system in blocks: one call per 512 ids, not one per id.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

/**
 * A time-ordered UUID (version 7, RFC 9562) for log events: 48 bits of milliseconds, a 12-bit
 * counter that keeps ids minted within one millisecond in order, then 62 random bits. Ids made
 * one after another sort after each other, so the unique index on event ids grows at its end
 * instead of dirtying a random page per message.
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
    randomFillSync(pool);
    poolOffset = 0;
  }
  pool.copy(id, 8, poolOffset, poolOffset + 8);
  poolOffset += 8;
  id.writeUIntBE(lastMs, 0, 6);
  id[6] = 0x70 | (sequence >> 8);
  id[7] = sequence & 0xff;
  id[8] = 0x80 | ((id[8] ?? 0) & 0x3f);
  const hex = id.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
