import { describe, expect, it } from 'vitest';
import type { ConversationView } from '../../../common/contract';
import { arrangeChats, emptyListNote } from './chatListOrder';

const chat = (id: string, over: Partial<ConversationView> = {}): ConversationView => ({
  id,
  kind: 'direct',
  title: id,
  status: 'active',
  role: 'member',
  muted: false,
  mutedUntil: null,
  pinnedAt: null,
  archived: false,
  markedUnread: false,
  peer: null,
  photo: null,
  members: [],
  memberCount: 2,
  lastMessage: null,
  lastActivityAt: 0,
  unreadCount: 0,
  typing: [],
  draft: '',
  request: null,
  ...over,
});

describe('arrangeChats: the chat list as shown', () => {
  const list = [
    chat('a'),
    chat('b', { pinnedAt: 10 }),
    chat('c', { archived: true, unreadCount: 3 }),
    chat('d', { kind: 'group', markedUnread: true }),
    chat('e', { pinnedAt: 20, kind: 'group' }),
    chat('f', { unreadCount: 1 }),
  ];
  const ids = (rows: ConversationView[]) => rows.map((c) => c.id);

  it('puts pinned chats on top, newest pin first, and leaves archived ones out', () => {
    const { rows, archivedCount } = arrangeChats(list, {
      filter: 'all',
      archived: false,
      query: '',
    });
    expect(ids(rows)).toEqual(['e', 'b', 'a', 'd', 'f']);
    expect(archivedCount).toBe(1);
  });

  it('filters: Unread (a count or the mark), Groups; the archived view shows only archived chats', () => {
    expect(ids(arrangeChats(list, { filter: 'unread', archived: false, query: '' }).rows)).toEqual([
      'd',
      'f',
    ]);
    expect(ids(arrangeChats(list, { filter: 'groups', archived: false, query: '' }).rows)).toEqual([
      'e',
      'd',
    ]);
    expect(ids(arrangeChats(list, { filter: 'all', archived: true, query: '' }).rows)).toEqual([
      'c',
    ]);
    expect(ids(arrangeChats(list, { filter: 'all', archived: false, query: 'B' }).rows)).toEqual([
      'b',
    ]);
  });

  it('says "No chats match." only for a search that finds nothing, never under a message request', () => {
    const note = (over: Partial<Parameters<typeof emptyListNote>[0]>) =>
      emptyListNote({ filter: 'all', archived: false, query: '', others: 0, ...over });
    // Only a request (or only archived chats): the request row, or the Archived row, is the list.
    expect(note({ others: 1 })).toBeNull();
    expect(note({})).toBeNull();
    expect(note({ query: 'zed', others: 1 })).toBeNull();
    expect(note({ query: 'zed' })).toBe('No chats match.');
    expect(note({ query: '   ' })).toBeNull();
    expect(note({ filter: 'unread' })).toBe('No unread chats.');
    expect(note({ filter: 'groups' })).toBe('No groups.');
    expect(note({ archived: true, others: 1 })).toBe('No archived chats.');
  });
});
