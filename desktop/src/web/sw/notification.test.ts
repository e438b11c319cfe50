import { describe, expect, it } from 'vitest';
import { NO_PREVIEW_TEXT, pushTagOf, type WebPushPayload } from '@chitchat/shared';
import {
  NOTIFICATION_ICON,
  conversationOfUrl,
  countOf,
  dataUrlOf,
  conversationUrl,
  isOpenConversationMessage,
  notificationOf,
} from './notification';

const payload = (overrides: Partial<WebPushPayload> = {}): WebPushPayload => ({
  type: 'message',
  conversationId: 'c_1',
  seq: 7,
  senderName: 'Ana Lima',
  conversationTitle: null,
  preview: 'See you at 8?',
  tag: pushTagOf('c_1'),
  ...overrides,
});

describe('the notification of a push', () => {
  it('a direct chat: titled with the sender, the line as body, one per chat that rings again', () => {
    const shown = notificationOf(payload(), 1000);
    expect(shown.title).toBe('Ana Lima');
    expect(shown.options).toMatchObject({
      body: 'See you at 8?',
      tag: 'chat:c_1',
      renotify: true,
      timestamp: 1000,
      icon: NOTIFICATION_ICON,
      data: { conversationId: 'c_1', seq: 7, count: 1 },
    });
  });

  it('a group: titled with the group, the sender before the line', () => {
    const shown = notificationOf(payload({ conversationTitle: 'Climbing' }), 0);
    expect(shown.title).toBe('Climbing');
    expect(shown.options.body).toBe('Ana Lima: See you at 8?');
  });

  it('previews off: "New message", never the text', () => {
    expect(notificationOf(payload({ preview: null }), 0).options.body).toBe(NO_PREVIEW_TEXT);
    expect(
      notificationOf(payload({ preview: null, conversationTitle: 'Climbing' }), 0).options.body,
    ).toBe(`Ana Lima: ${NO_PREVIEW_TEXT}`);
  });

  it('a push for a chat still shown folds into it: how many, then the newest line', () => {
    const second = notificationOf(payload({ seq: 8, preview: 'Bring the rope' }), 0, {
      earlier: { count: countOf(notificationOf(payload(), 0).options.data) },
    });
    expect(second.options.body).toBe('2 new messages · Bring the rope');
    expect(second.options.data.count).toBe(2);
    expect(second.options.tag).toBe('chat:c_1');
    const group = notificationOf(payload({ conversationTitle: 'Climbing' }), 0, {
      earlier: { count: 2 },
    });
    expect(group.options.body).toBe('3 new messages · Ana Lima: See you at 8?');
    // Without previews, only the count: never a line.
    expect(
      notificationOf(payload({ preview: null }), 0, { earlier: { count: 4 } }).options.body,
    ).toBe('5 new messages');
    // A notification without our count (an older build's) stands for one.
    expect(countOf({ conversationId: 'c_1' })).toBe(1);
    expect(countOf(null)).toBe(1);
    expect(countOf({ count: -2 })).toBe(1);
  });

  it("the chat's photo as the icon, as a data: address", () => {
    const icon = dataUrlOf('image/jpeg', new Uint8Array([0xff, 0xd8, 0xff, 0x00]));
    expect(icon).toBe('data:image/jpeg;base64,/9j/AA==');
    expect(notificationOf(payload(), 0, { icon }).options.icon).toBe(icon);
  });

  it('the address a click opens names the chat, and reads back (odd ids included)', () => {
    for (const id of ['c_1', 'a b/ç#?&'])
      expect(conversationOfUrl(`#${conversationUrl(id).split('#')[1] ?? ''}`)).toBe(id);
    expect(conversationOfUrl('')).toBeNull();
    expect(conversationOfUrl('#chat=%E0%A4%A')).toBeNull();
    expect(
      isOpenConversationMessage({ type: 'chitchat:open-conversation', conversationId: 'c' }),
    ).toBe(true);
    expect(isOpenConversationMessage({ type: 'other', conversationId: 'c' })).toBe(false);
  });
});
