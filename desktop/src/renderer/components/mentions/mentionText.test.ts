import { describe, expect, it } from 'vitest';
import type { MemberView, MentionView } from '../../../common/contract';
import { matchingMembers, mentionParts, mentionQueryAt, mentionsIn } from './mentionText';

const ana: MentionView = { userId: 'u-ana', name: 'Ana', username: 'ana', me: false };
const anaLopez: MentionView = { userId: 'u-al', name: 'Ana Lopez', username: 'al', me: true };

describe('mention tokens in a message', () => {
  it('marks "@Name" and "@username" of each mention, the longest first, only as whole words', () => {
    expect(mentionParts('hi @Ana Lopez and @ana, not @Anabel', [ana, anaLopez])).toEqual([
      { text: 'hi ', mention: null },
      { text: '@Ana Lopez', mention: anaLopez },
      { text: ' and ', mention: null },
      { text: '@ana', mention: ana },
      { text: ', not @Anabel', mention: null },
    ]);
  });

  it('leaves text alone without mentions, and a name the text does not hold', () => {
    expect(mentionParts('mail me @ home', undefined)).toEqual([
      { text: 'mail me @ home', mention: null },
    ]);
    expect(mentionParts('@Bob hi', [ana])).toEqual([{ text: '@Bob hi', mention: null }]);
    expect(mentionParts('@Ana', [ana])).toEqual([{ text: '@Ana', mention: ana }]);
  });
});

describe('the composer picker', () => {
  it('finds the "@" word at the caret', () => {
    expect(mentionQueryAt('hi @An', 6)).toEqual({ start: 3, query: 'An' });
    expect(mentionQueryAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQueryAt('mail@example', 12)).toBeNull();
    expect(mentionQueryAt('@Ana done', 9)).toBeNull();
  });

  it('matches names and usernames by prefix, names first, without the viewer', () => {
    const member = (userId: string, displayName: string, username: string): MemberView => ({
      userId,
      displayName,
      username,
      photo: null,
      role: 'member',
    });
    const members = [
      member('me', 'Andrea', 'me'),
      member('1', 'Bob Anders', 'bob'),
      member('2', 'Anton', 'anton'),
      member('3', 'Carol', 'ann_c'),
      member('4', 'Dave', 'dave'),
    ];
    expect(matchingMembers(members, 'an', 'me', 10).map((m) => m.userId)).toEqual(['2', '3', '1']);
    expect(matchingMembers(members, '', 'me', 2).map((m) => m.userId)).toEqual(['2', '1']);
    // Folded as member search and the message index fold (common/fold.ts).
    const accented = [member('5', 'Émile Zoë', 'emile'), member('6', 'Ｚｅｎ', 'zen')];
    expect(matchingMembers(accented, 'emi', 'me', 10).map((m) => m.userId)).toEqual(['5']);
    expect(matchingMembers(accented, 'ZOE', 'me', 10).map((m) => m.userId)).toEqual(['5']);
    expect(matchingMembers(accented, 'zen', 'me', 10).map((m) => m.userId)).toEqual(['6']);
  });

  it('sends the picks still in the text, once each', () => {
    const picks = [
      { userId: 'a', token: '@Ana' },
      { userId: 'b', token: '@Bob' },
      { userId: 'a', token: '@Ana' },
    ];
    expect(mentionsIn('@Ana and @Ana', picks)).toEqual(['a']);
  });
});
