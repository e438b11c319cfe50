import { closeSync, openSync, writeSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';

/*
 * A small ZIP writer (PKWARE APPNOTE 6.3): entries are written to the file as they come, so a large
 * export never sits in memory; only the central directory (a few dozen bytes per entry) does. Text
 * is deflated; media, already compressed, is stored. UTF-8 names (flag bit 11). No ZIP64: an
 * archive that would pass 4 GiB is refused with a clear error rather than written corrupt.
 */

const ZIP32_MAX = 0xffff_ffff;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb8_8320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as ZIP wants it (node:zlib's crc32 needs Node 20.15+; the project runs on 20.11+). */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffff_ffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffff_ffff) >>> 0;
}

/** MS-DOS date and time of a moment, in local time as ZIP tools show it (2-second steps). */
function dosDateTime(at: Date): { date: number; time: number } {
  const year = Math.max(1980, at.getFullYear());
  return {
    date: ((year - 1980) << 9) | ((at.getMonth() + 1) << 5) | at.getDate(),
    time: (at.getHours() << 11) | (at.getMinutes() << 5) | Math.floor(at.getSeconds() / 2),
  };
}

export class ZipTooLarge extends Error {}

export class ZipWriter {
  private readonly fd: number;
  private offset = 0;
  private readonly central: Buffer[] = [];
  private readonly names = new Set<string>();
  private count = 0;

  constructor(
    file: string,
    private readonly modified = new Date(),
  ) {
    this.fd = openSync(file, 'w');
  }

  /** Adds one file; `name` uses `/` between folders and must be unique in the archive. */
  add(name: string, data: Uint8Array, options: { compress?: boolean } = {}): void {
    if (this.names.has(name)) throw new Error(`duplicate entry ${name}`);
    this.names.add(name);
    const nameBytes = Buffer.from(name, 'utf8');
    const compress = options.compress ?? true;
    const body = compress ? deflateRawSync(data) : data;
    const method = compress ? 8 : 0;
    const crc = crc32(data);
    const { date, time } = dosDateTime(this.modified);
    if (this.offset + 30 + nameBytes.length + body.length > ZIP32_MAX || data.length > ZIP32_MAX)
      throw new ZipTooLarge('The export would be larger than 4 GiB.');

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x0403_4b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);

    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x0201_4b50, 0);
    entry.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(method, 10);
    entry.writeUInt16LE(time, 12);
    entry.writeUInt16LE(date, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
    entry.writeUInt32LE(this.offset, 42);
    this.central.push(entry, nameBytes);

    this.write(local);
    this.write(nameBytes);
    this.write(body);
    this.count++;
  }

  /** Writes the central directory and closes the file. */
  finish(): void {
    const start = this.offset;
    for (const part of this.central) this.write(part);
    const size = this.offset - start;
    if (this.count > 0xffff || this.offset > ZIP32_MAX)
      throw new ZipTooLarge('The export holds too many files for one archive.');
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x0605_4b50, 0);
    end.writeUInt16LE(this.count, 8);
    end.writeUInt16LE(this.count, 10);
    end.writeUInt32LE(size, 12);
    end.writeUInt32LE(start, 16);
    this.write(end);
    closeSync(this.fd);
  }

  /** Closes the file without finishing it (the caller removes it). */
  abort(): void {
    closeSync(this.fd);
  }

  private write(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.offset += bytes.length;
  }
}
