import { describe, expect, it } from 'vitest';
import { isPublicAddress } from './public-address';

describe('isPublicAddress', () => {
  it('refuses loopback, private, link-local, reserved and documentation ranges', () => {
    for (const address of [
      '127.0.0.1',
      '127.255.255.254',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '100.64.0.1',
      '169.254.169.254',
      '0.0.0.0',
      '192.0.2.10',
      '198.18.0.1',
      '198.51.100.7',
      '203.0.113.9',
      '224.0.0.1',
      '255.255.255.255',
      '::',
      '::1',
      '[::1]',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      'ff02::1',
      '2001:db8::1',
      '2002:7f00:1::',
      '64:ff9b::7f00:1',
      '2001:0:4136:e378::1',
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });

  it('judges an IPv4-mapped address, in either spelling, as the IPv4 address it carries', () => {
    expect(isPublicAddress('::ffff:127.0.0.1')).toBe(false);
    expect(isPublicAddress('::ffff:7f00:1')).toBe(false);
    expect(isPublicAddress('::FFFF:192.168.0.1')).toBe(false);
    expect(isPublicAddress('0:0:0:0:0:ffff:a00:1')).toBe(false);
    expect(isPublicAddress('::ffff:8.8.8.8')).toBe(true);
    expect(isPublicAddress('::ffff:808:808')).toBe(true);
  });

  it('allows public addresses', () => {
    for (const address of [
      '93.184.216.34',
      '8.8.8.8',
      '172.32.0.1',
      '100.128.0.1',
      '2606:4700::6810:84e5',
      '2a00:1450:4001:82a::200e',
      '[2606:4700:4700::1111]',
    ]) {
      expect(isPublicAddress(address), address).toBe(true);
    }
  });

  it('refuses what is not an address: names, leading zeros, zones, bad groups', () => {
    for (const address of [
      '',
      'localhost',
      'example.com',
      '01.2.3.4',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '0x7f.0.0.1',
      '2130706433',
      'fe80::1%eth0',
      '1::2::3',
      '12345::1',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7',
      '::ffff:1.2.3',
      '[8.8.8.8',
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });
});
