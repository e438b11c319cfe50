import { BlockList, isIP } from 'node:net';

/*
 * The public-address rule of the desktop's link-preview fetch
 * (desktop/src/core/link-preview/address-policy.node.ts), for the server's push requests. The
 * server may not import desktop code (DESIGN §1) and shared has no Node types, so the rule is kept
 * here too: change both together.
 */

/**
 * Ranges that are not the public internet: loopback, private (RFC 1918), carrier-grade NAT,
 * link-local, unique-local, multicast, documentation, benchmarking and reserved space, and the
 * IPv6 forms that embed an IPv4 address (NAT64, 6to4, Teredo; mapped ones below), which could reach any of
 * them. A preview fetch must never reach the person's own machine or network (SSRF).
 */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
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
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
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
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** True for an address on the public internet; false for anything else, malformed included. */
export function isPublicAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  // An IPv4-mapped IPv6 address is the IPv4 address it carries.
  const mapped = MAPPED_IPV4.exec(bare)?.[1];
  if (mapped !== undefined) return isIP(mapped) === 4 && !NOT_PUBLIC.check(mapped, 'ipv4');
  // Any other spelling of a mapped address (`::ffff:7f00:1`) is refused outright. (BlockList
  // itself matches IPv4 rules against mapped addresses, so that range cannot be listed there.)
  if (/^::ffff:/i.test(bare)) return false;
  const family = isIP(bare);
  if (family === 4) return !NOT_PUBLIC.check(bare, 'ipv4');
  if (family === 6) return !NOT_PUBLIC.check(bare, 'ipv6');
  return false;
}
