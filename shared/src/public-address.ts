/**
 * The public-address rule (SSRF guard): may a request made on someone's behalf connect to this
 * address? The desktop's link-preview fetch and the server's Web Push requests both ask it, and
 * a web host will too, so it lives here, free of Node: addresses are parsed into integers and
 * compared with prefixes, without `node:net`.
 */

type Family = 4 | 6;

/**
 * Ranges that are not the public internet: loopback, private (RFC 1918), carrier-grade NAT,
 * link-local, unique-local, multicast, documentation, benchmarking and reserved space, and the
 * IPv6 forms that embed an IPv4 address (NAT64, 6to4, Teredo), which could reach any of them.
 * IPv4-mapped IPv6 addresses (::ffff:0:0/96) are judged as the IPv4 address they carry.
 */
const NOT_PUBLIC_V4: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const NOT_PUBLIC_V6: readonly (readonly [string, number])[] = [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 32],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
];

const OCTET = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)$/;
const HEXTET = /^[0-9a-f]{1,4}$/i;

/** A dotted quad as a 32-bit number; null unless it is exactly four decimal octets. */
function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return null;
  return parts.reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

/** An IPv6 address (with `::` and a trailing dotted quad allowed) as a 128-bit number, or null. */
function parseIpv6(text: string): bigint | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (half: string): bigint[] | null => {
    if (half === '') return [];
    const out: bigint[] = [];
    const pieces = half.split(':');
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (v4 === null) return null;
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else if (HEXTET.test(piece)) out.push(BigInt(parseInt(piece, 16)));
      else return null;
    }
    return out;
  };
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array<bigint>(missing).fill(0n), ...tail];
  return groups.reduce((value, group) => (value << 16n) | group, 0n);
}

function parse(text: string): { family: Family; value: bigint } | null {
  const v4 = parseIpv4(text);
  if (v4 !== null) return { family: 4, value: v4 };
  const v6 = parseIpv6(text);
  return v6 === null ? null : { family: 6, value: v6 };
}

interface Range {
  value: bigint;
  shift: bigint;
}

function rangesOf(family: Family, list: readonly (readonly [string, number])[]): Range[] {
  const bits = family === 4 ? 32n : 128n;
  return list.map(([network, prefix]) => {
    const base = parse(network);
    if (base === null || base.family !== family) throw new Error(`bad range ${network}`);
    const shift = bits - BigInt(prefix);
    return { value: base.value >> shift, shift };
  });
}

const V4_RANGES = rangesOf(4, NOT_PUBLIC_V4);
const V6_RANGES = rangesOf(6, NOT_PUBLIC_V6);

const inRanges = (value: bigint, ranges: readonly Range[]): boolean =>
  ranges.some((range) => value >> range.shift === range.value);

const MAPPED_PREFIX = 0xffffn << 32n;

/** True for an address on the public internet; false for anything else, malformed included. */
export function isPublicAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const parsed = parse(bare);
  if (parsed === null) return false;
  if (parsed.family === 4) return !inRanges(parsed.value, V4_RANGES);
  if (parsed.value >> 32n === MAPPED_PREFIX >> 32n)
    return !inRanges(parsed.value & 0xffffffffn, V4_RANGES);
  return !inRanges(parsed.value, V6_RANGES);
}
