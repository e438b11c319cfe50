import { describe, expect, it } from 'vitest';
import { successorOf } from './group-rules';

describe('successorOf: who inherits a group from its owner', () => {
  const owner = { userId: 'o', role: 'owner' as const };
  it('the longest-serving admin, before any longer-serving member', () => {
    const members = [
      owner,
      { userId: 'm1', role: 'member' as const },
      { userId: 'a1', role: 'admin' as const },
      { userId: 'a2', role: 'admin' as const },
    ];
    expect(successorOf(members, 'o')).toBe('a1');
  });
  it('else the longest-serving member; nobody when the owner was alone', () => {
    const members = [
      owner,
      { userId: 'm1', role: 'member' as const },
      { userId: 'm2', role: 'member' as const },
    ];
    expect(successorOf(members, 'o')).toBe('m1');
    expect(successorOf([owner], 'o')).toBeNull();
  });
});
