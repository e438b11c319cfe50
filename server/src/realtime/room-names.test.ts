import { describe, expect, it } from 'vitest';
import { deviceRoom, userProtocolRoom, userRoom } from './types';

describe('room names', () => {
  it('keep their format when reused, also past the cache bound (other processes join by name)', () => {
    expect(userRoom('u1')).toBe('user:u1');
    expect(userRoom('u1')).toBe('user:u1');
    expect(userProtocolRoom('u1', 3)).toBe('user:u1:p3');
    expect(userProtocolRoom('u1', 2)).toBe('user:u1:p2');
    expect(userProtocolRoom('u1', 3)).toBe('user:u1:p3');
    expect(deviceRoom('d1')).toBe('device:d1');
    // More users than the cache keeps: it is emptied, and names are built again, equal.
    for (let i = 0; i < 60_000; i++) expect(userRoom(`x${i}`)).toBe(`user:x${i}`);
    expect(userRoom('u1')).toBe('user:u1');
    expect(userProtocolRoom('u1', 3)).toBe('user:u1:p3');
  });
});
