/*
 * A small ZIP writer (PKWARE APPNOTE 6.3), portable (Node and a browser Worker): entries go to the
 * sink as they come, so a large export never sits in memory; only the central directory (a few
 * dozen bytes per entry) does. Text is deflated; media, already compressed, is stored. UTF-8 names
 * (flag bit 11). No ZIP64: an archive that would pass 4 GiB is refused with a clear error rather
 * than written corrupt. Each host gives the sink (a file) and raw deflate (RFC 1951).
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

/** CRC-32 as ZIP wants it (node:zlib's crc32 needs Node 20.15+, and a Worker has none). */
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

/** Where the archive's bytes go, in order (a file of the host). */
export interface ZipSink {
  write(bytes: Uint8Array): void | Promise<void>;
  close(): void | Promise<void>;
}

/** Raw deflate (no zlib header), as ZIP's method 8 stores it. */
export type RawDeflate = (data: Uint8Array) => Uint8Array | Promise<Uint8Array>;

const utf8 = new TextEncoder();

/** A header of `size` bytes, filled by `fill` through little-endian writes. */
function header(size: number, fill: (view: DataView) => void): Uint8Array {
  const bytes = new Uint8Array(size);
  fill(new DataView(bytes.buffer));
  return bytes;
}

export class ZipWriter {
  private offset = 0;
  private readonly central: Uint8Array[] = [];
  private readonly names = new Set<string>();
  private count = 0;

  constructor(
    private readonly sink: ZipSink,
    private readonly deflate: RawDeflate,
    private readonly modified = new Date(),
  ) {}

  /** Adds one file; `name` uses `/` between folders and must be unique in the archive. */
  async add(name: string, data: Uint8Array, options: { compress?: boolean } = {}): Promise<void> {
    if (this.names.has(name)) throw new Error(`duplicate entry ${name}`);
    this.names.add(name);
    const nameBytes = utf8.encode(name);
    const compress = options.compress ?? true;
    const body = compress ? await this.deflate(data) : data;
    const method = compress ? 8 : 0;
    const crc = crc32(data);
    const { date, time } = dosDateTime(this.modified);
    if (this.offset + 30 + nameBytes.length + body.length > ZIP32_MAX || data.length > ZIP32_MAX)
      throw new ZipTooLarge('The export would be larger than 4 GiB.');

    const local = header(30, (v) => {
      v.setUint32(0, 0x0403_4b50, true);
      v.setUint16(4, 20, true); // version needed: 2.0 (deflate)
      v.setUint16(6, 0x0800, true); // UTF-8 names
      v.setUint16(8, method, true);
      v.setUint16(10, time, true);
      v.setUint16(12, date, true);
      v.setUint32(14, crc, true);
      v.setUint32(18, body.length, true);
      v.setUint32(22, data.length, true);
      v.setUint16(26, nameBytes.length, true);
    });
    const offset = this.offset;
    const entry = header(46, (v) => {
      v.setUint32(0, 0x0201_4b50, true);
      v.setUint16(4, 0x0314, true); // made by: Unix, 2.0
      v.setUint16(6, 20, true);
      v.setUint16(8, 0x0800, true);
      v.setUint16(10, method, true);
      v.setUint16(12, time, true);
      v.setUint16(14, date, true);
      v.setUint32(16, crc, true);
      v.setUint32(20, body.length, true);
      v.setUint32(24, data.length, true);
      v.setUint16(28, nameBytes.length, true);
      v.setUint32(38, (0o100644 << 16) >>> 0, true); // a regular file, rw-r--r--
      v.setUint32(42, offset, true);
    });
    this.central.push(entry, nameBytes);

    await this.write(local);
    await this.write(nameBytes);
    await this.write(body);
    this.count++;
  }

  /** Writes the central directory and closes the sink. */
  async finish(): Promise<void> {
    const start = this.offset;
    for (const part of this.central) await this.write(part);
    const size = this.offset - start;
    if (this.count > 0xffff || this.offset > ZIP32_MAX)
      throw new ZipTooLarge('The export holds too many files for one archive.');
    const end = header(22, (v) => {
      v.setUint32(0, 0x0605_4b50, true);
      v.setUint16(8, this.count, true);
      v.setUint16(10, this.count, true);
      v.setUint32(12, size, true);
      v.setUint32(16, start, true);
    });
    await this.write(end);
    await this.sink.close();
  }

  /** Closes the sink without finishing the archive (the caller removes the file). */
  async abort(): Promise<void> {
    await this.sink.close();
  }

  private async write(bytes: Uint8Array): Promise<void> {
    await this.sink.write(bytes);
    this.offset += bytes.length;
  }
}
