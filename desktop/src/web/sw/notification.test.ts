import { describe, expect, it } from 'vitest';
import { pushTagOf, type WebPushPayload } from '@chitchat/shared';
import {
  NO_PREVIEW_TEXT,
  conversationOfUrl,
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
      data: { conversationId: 'c_1', seq: 7 },
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
