import { describe, expect, it } from 'vitest';
import { foldForSearch } from '../../../common/fold';
import { matchMembers, orderMembers, searchable } from './memberList';

const m = (
  userId: string,
  displayName: string,
  role: 'owner' | 'admin' | 'member' = 'member',
  username = userId,
) => ({ userId, displayName, role, username });

describe('group member list', () => {
  it('puts You first, then the owner and admins, then everyone by name as the locale sorts', () => {
    const list = [
      m('z', 'zoë'),
      m('e', 'Émile'),
      m('me', 'Zed', 'member'),
      m('a', 'Ana'),
      m('y', 'Yara', 'owner'),
      m('b', 'Ben', 'admin'),
      m('v', 'eva'),
    ];
    const names = orderMembers(list, 'me', 'en').map((x) => x.displayName);
    expect(names).toEqual(['Zed', 'Ben', 'Yara', 'Ana', 'Émile', 'eva', 'zoë']);
  });

  it('sorts by the collator, not by code points (Swedish puts Ö after Z)', () => {
    const list = [m('1', 'Örjan'), m('2', 'Zack'), m('3', 'Olle')];
    expect(orderMembers(list, 'nobody', 'sv').map((x) => x.displayName)).toEqual([
      'Olle',
      'Zack',
      'Örjan',
    ]);
    expect(orderMembers(list, 'nobody', 'de').map((x) => x.displayName)).toEqual([
      'Olle',
      'Örjan',
      'Zack',
    ]);
  });

  it('finds members by name anywhere and by username prefix, case and diacritics folded', () => {
    const list = searchable([
      m('1', 'Émile Zola', 'member', 'ezola'),
      m('2', 'שָׁלוֹם כהן', 'member', 'shalom'),
      m('3', 'محمّد', 'member', 'mo'),
      m('4', '王小明', 'member', 'xiaoming'),
      m('5', 'ＡＮＡ', 'member', 'ana_w'),
    ]);
    const ids = (q: string) => matchMembers(list, q).map((x) => x.userId);
    expect(ids('emile')).toEqual(['1']);
    expect(ids('ZOLA')).toEqual(['1']);
    expect(ids('שלום')).toEqual(['2']);
    expect(ids('محمد')).toEqual(['3']);
    expect(ids('小明')).toEqual(['4']);
    expect(ids('ana')).toEqual(['5']);
    expect(ids('@sha')).toEqual(['2']);
    expect(ids('xiao')).toEqual(['4']);
    // A username matches from its start only; a name anywhere.
    expect(ids('ola')).toEqual(['1']);
    expect(ids('  ')).toEqual(['1', '2', '3', '4', '5']);
    expect(ids('nobody here')).toEqual([]);
  });

  it('keeps the given order when filtering, and folds like the search index', () => {
    const ordered = orderMembers(
      [m('1', 'Ana Lima'), m('2', 'Anabel', 'admin'), m('me', 'Annie')],
      'me',
      'en',
    );
    expect(matchMembers(searchable(ordered), 'an').map((x) => x.userId)).toEqual(['me', '2', '1']);
    expect(foldForSearch('Crème BRÛLÉE')).toBe('creme brulee');
  });

  it('orders and searches 1,000 members quickly enough to type into', () => {
    const many = Array.from({ length: 1_000 }, (_, i) =>
      m(`u${i}`, `Member ${String(i).padStart(4, '0')} Ünal`, i % 50 === 0 ? 'admin' : 'member'),
    );
    const ordered = searchable(orderMembers(many, 'u999', 'en'));
    expect(ordered[0]?.member.userId).toBe('u999');
    expect(ordered[1]?.member.role).toBe('admin');
    expect(matchMembers(ordered, 'member 0421 unal').map((x) => x.userId)).toEqual(['u421']);
  });
});
