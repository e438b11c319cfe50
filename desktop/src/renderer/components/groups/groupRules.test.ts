import { describe, expect, it } from 'vitest';
import type { ConversationView } from '../../../common/contract';
import { isLongDescription, linkParts, memberLine, sendBlocked } from './groupRules';

const group = (over: Partial<ConversationView>): ConversationView =>
  ({
    id: 'g',
    kind: 'group',
    status: 'active',
    role: 'member',
    group: {
      description: null,
      permissions: { send: 'everyone', editInfo: 'everyone', approveJoins: false },
    },
    ...over,
  }) as ConversationView;

describe('group rules in the app', () => {
  it('the header names the members of a small group, counts a large one, and shows nothing after leaving', () => {
    const member = (displayName: string) => ({
      userId: displayName,
      username: displayName.toLowerCase(),
      displayName,
      photo: null,
      role: 'member' as const,
    });
    const small = group({ members: [member('Bob'), member('Ana')], memberCount: 2 });
    expect(memberLine(small, 'someone else')).toBe('Ana, Bob');
    // The person themselves is "You", last; the others in the locale's order, whatever the case.
    expect(memberLine(small, 'Ana')).toBe('Bob, You');
    const three = group({
      members: [member('Cleo'), member('Ana'), member('bob')],
      memberCount: 3,
    });
    expect(memberLine(three, 'Ana')).toBe('bob, Cleo, You');
    // Members whose names this device does not know yet leave no empty places.
    expect(memberLine(group({ members: [member('Ana'), member('')], memberCount: 2 }), 'x')).toBe(
      'Ana',
    );
    const large = Array.from({ length: 300 }, (_, i) => member(i % 2 === 0 ? `P${i}` : ''));
    expect(memberLine(group({ members: large, memberCount: 300 }), 'P0')).toBe('300 members');
    expect(memberLine({ ...small, status: 'left' }, 'Ana')).toBe('');
  });

  it('only admins send: a member is blocked, admins and the owner are not; a former member is', () => {
    const onlyAdmins = {
      description: null,
      permissions: { send: 'admins' as const, editInfo: 'everyone' as const, approveJoins: false },
    };
    expect(sendBlocked(group({}))).toBeNull();
    expect(sendBlocked(group({ group: onlyAdmins }))).toBe('admins');
    expect(sendBlocked(group({ group: onlyAdmins, role: 'admin' }))).toBeNull();
    expect(sendBlocked(group({ group: onlyAdmins, role: 'owner' }))).toBeNull();
    expect(sendBlocked(group({ group: onlyAdmins, status: 'left' }))).toBe('left');
    expect(sendBlocked(group({ kind: 'direct', group: undefined }))).toBeNull();
  });

  it('a long description folds; links are cut out of the text, trailing punctuation left outside', () => {
    expect(isLongDescription('short')).toBe(false);
    expect(isLongDescription('x'.repeat(241))).toBe(true);
    expect(isLongDescription('a\nb\nc\nd\ne')).toBe(true);
    expect(linkParts('Plan: https://example.org/plan. Bring water')).toEqual([
      { text: 'Plan: ', url: null },
      { text: 'https://example.org/plan', url: 'https://example.org/plan' },
      { text: '. Bring water', url: null },
    ]);
    expect(linkParts('no links here')).toEqual([{ text: 'no links here', url: null }]);
  });
});
