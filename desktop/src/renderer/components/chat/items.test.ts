import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../../common/contract';
import { buildItems, firstUnreadKey, mergeNewest, prependOlder, prependShift } from './items';

const DAY = 86_400_000;
const base = new Date(2026, 0, 10, 9, 0).getTime();

function message(seq: number, at: number, own = false): MessageView {
  return {
    key: `k${seq}`,
    conversationId: 'c1',
    seq,
    type: 'message',
    senderUserId: own ? 'me' : 'them',
    senderName: own ? 'You' : 'Ana',
    own,
    text: `message ${seq}`,
    systemText: null,
    replyTo: null,
    attachments: [],
    createdAt: at,
    editedAt: null,
    deletedAt: null,
    status: own ? 'read' : null,
    error: null,
    unsupported: false,
    forwarded: false,
    linkPreview: null,
  };
}

describe('the message list items', () => {
  it('an older page of the same day shifts the list by its messages, though a day header stays first', () => {
    const sameDay = Array.from({ length: 100 }, (_, i) => message(i + 1, base + i * 60_000));
    const before = buildItems(sameDay.slice(50), null, 0);
    const after = buildItems(prependOlder(sameDay.slice(50), sameDay.slice(0, 50)), null, 0);
    expect(before[0]?.kind).toBe('day');
    expect(after[0]?.key).toBe(before[0]?.key);
    // The old first message moved down by the 50 older ones: the list keeps it in place.
    expect(prependShift(before, after)).toBe(50);
  });

  it('an older page over several days shifts by its messages and its new day headers', () => {
    const days = Array.from({ length: 6 }, (_, i) => message(i + 1, base + i * DAY));
    const before = buildItems(days.slice(3), null, 0);
    const after = buildItems(days, null, 0);
    expect(prependShift(before, after)).toBe(6);
    expect(prependShift([], after)).toBe(0);
  });

  it('the unread divider goes before the N-th newest message from someone else', () => {
    const list = [
      message(1, base),
      message(2, base + 1),
      message(3, base + 2, true),
      message(4, base + 3),
      message(5, base + 4),
    ];
    expect(firstUnreadKey(list, 2)).toBe('k4');
    expect(firstUnreadKey(list, 3)).toBe('k2');
    expect(firstUnreadKey(list, 0)).toBeNull();
    // More unread than loaded: above the oldest loaded message from someone else.
    expect(firstUnreadKey(list, 60)).toBe('k1');
    const items = buildItems(list, 'k4', 2);
    expect(items.map((i) => i.key)).toEqual([
      expect.stringMatching(/^day-/),
      'k1',
      'k2',
      'k3',
      'unread',
      'k4',
      'k5',
    ]);
  });

  it('re-reading the newest page keeps the older history loaded meanwhile', () => {
    const all = Array.from({ length: 120 }, (_, i) => message(i + 1, base + i * 1000));
    const loaded = all.slice(0, 110);
    const newest = all.slice(60);
    const merged = mergeNewest(loaded, newest);
    expect(merged.map((m) => m.seq)).toEqual(all.map((m) => m.seq));
    expect(mergeNewest(null, newest)).toEqual(newest);
  });
});
