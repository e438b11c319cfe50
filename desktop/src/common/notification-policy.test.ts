import { describe, expect, it } from 'vitest';
import type { ChatEvents, MessageView } from './contract';
import { messagePreview, notificationFor, type ScreenFocus } from './notification-policy';

function message(overrides: Partial<MessageView> = {}): MessageView {
  return {
    key: 'e1',
    conversationId: 'c1',
    seq: 7,
    type: 'message',
    senderUserId: 'u-ana',
    senderName: 'Ana',
    own: false,
    text: 'Lunch at one?',
    systemText: null,
    replyTo: null,
    attachments: [],
    createdAt: 1_700_000_000_000,
    editedAt: null,
    deletedAt: null,
    status: null,
    error: null,
    unsupported: false,
    forwarded: false,
    linkPreview: null,
    ...overrides,
  };
}

function incoming(
  overrides: Partial<MessageView> = {},
  event: Partial<ChatEvents['incoming']> = {},
): ChatEvents['incoming'] {
  return {
    conversationId: 'c1',
    conversationTitle: 'Ana',
    message: message(overrides),
    muted: false,
    previews: true,
    ...event,
  };
}

const away: ScreenFocus = { windowFocused: false, activeConversationId: 'c1' };
const lookingAtIt: ScreenFocus = { windowFocused: true, activeConversationId: 'c1' };
const elsewhere: ScreenFocus = { windowFocused: true, activeConversationId: 'c2' };
const direct = { kind: 'direct', muted: false } as const;
const group = { kind: 'group', muted: false } as const;

describe('whether a new message notifies', () => {
  it('stays quiet for the conversation on screen in a focused window', () => {
    expect(notificationFor(incoming(), lookingAtIt, direct)).toBeNull();
  });

  it('notifies when the window is not focused, even with that conversation open', () => {
    expect(notificationFor(incoming(), away, direct)).toEqual({
      conversationId: 'c1',
      title: 'Ana',
      body: 'Lunch at one?',
    });
  });

  it('notifies for another conversation while the window is focused', () => {
    expect(notificationFor(incoming(), elsewhere, direct)).not.toBeNull();
  });

  it('stays quiet for muted conversations, whichever source says so', () => {
    expect(notificationFor(incoming({}, { muted: true }), away, direct)).toBeNull();
    expect(notificationFor(incoming(), away, { kind: 'direct', muted: true })).toBeNull();
  });

  it('a mention of the person notifies even in a muted group; a mention of someone else does not', () => {
    const mutedGroup = { kind: 'group', muted: true } as const;
    const family = { conversationTitle: 'Family' };
    const ofMe = { mentions: [{ userId: 'u-me', name: 'Me', username: 'me', me: true }] };
    const ofBob = { mentions: [{ userId: 'u-bob', name: 'Bob', username: 'bob', me: false }] };
    expect(
      notificationFor(incoming({ ...ofMe, text: '@Me lunch?' }, family), away, mutedGroup),
    ).toEqual({ conversationId: 'c1', title: 'Family', body: 'Ana: @Me lunch?' });
    expect(notificationFor(incoming(ofMe, { ...family, muted: true }), away, group)).not.toBeNull();
    expect(notificationFor(incoming(ofBob, family), away, mutedGroup)).toBeNull();
    expect(notificationFor(incoming(ofBob, { ...family, muted: true }), away, group)).toBeNull();
    // Still nothing for the chat on screen, nor for one's own or deleted messages.
    expect(notificationFor(incoming(ofMe, family), lookingAtIt, mutedGroup)).toBeNull();
    expect(
      notificationFor(incoming({ ...ofMe, deletedAt: 1 }, family), away, mutedGroup),
    ).toBeNull();
  });

  it("stays quiet for the user's own messages from another device, and deleted ones", () => {
    expect(notificationFor(incoming({ own: true }), away, direct)).toBeNull();
    expect(notificationFor(incoming({ deletedAt: 1 }), away, direct)).toBeNull();
  });
});

describe('what a notification says', () => {
  it('in a group: the group as title, the sender before the message', () => {
    expect(notificationFor(incoming({}, { conversationTitle: 'Family' }), away, group)).toEqual({
      conversationId: 'c1',
      title: 'Family',
      body: 'Ana: Lunch at one?',
    });
  });

  it('says "New message" without the line when the account turned "Show previews" off', () => {
    const secret = { text: 'The code is 4711' };
    expect(notificationFor(incoming(secret, { previews: false }), away, direct)).toEqual({
      conversationId: 'c1',
      title: 'Ana',
      body: 'New message',
    });
    const inGroup = incoming(secret, { conversationTitle: 'Family', previews: false });
    expect(notificationFor(inGroup, away, group)).toEqual({
      conversationId: 'c1',
      title: 'Family',
      body: 'Ana: New message',
    });
    // A photo's caption is a line too.
    const photo = { id: 'a', name: 'IMG_1.jpg', mime: 'image/jpeg', size: 1 };
    const captioned = incoming({ ...secret, attachments: [photo] }, { previews: false });
    expect(notificationFor(captioned, away, direct)?.body).toBe('New message');
  });

  it('tells direct chats from groups by title when the list is not known yet', () => {
    expect(notificationFor(incoming(), away)?.title).toBe('Ana');
    expect(notificationFor(incoming({}, { conversationTitle: 'Family' }), away)).toMatchObject({
      title: 'Family',
      body: 'Ana: Lunch at one?',
    });
  });

  it('previews on one line, shortened without breaking an emoji', () => {
    expect(messagePreview(message({ text: 'first line\n\n  second\tline ' }))).toBe(
      'first line second line',
    );
    const long = messagePreview(message({ text: `${'word '.repeat(40)}😀😀` }), 20);
    expect(long).toBe('word word word word…');
    expect(Array.from(messagePreview(message({ text: '😀'.repeat(30) }), 10))).toHaveLength(10);
  });

  it('names files the way the conversation list does', () => {
    const photo = { id: 'a', name: 'IMG_1.jpg', mime: 'image/jpeg', size: 1 };
    const pdf = { id: 'b', name: 'plan.pdf', mime: 'application/pdf', size: 1 };
    const clip = { id: 'c', name: 'clip.mp4', mime: 'video/mp4', size: 1 };
    expect(messagePreview(message({ text: null, attachments: [photo] }))).toBe('📷 Photo');
    expect(messagePreview(message({ text: null, attachments: [photo, photo] }))).toBe('📷 Photo');
    expect(messagePreview(message({ text: 'Look!', attachments: [photo] }))).toBe(
      '📷 Photo · Look!',
    );
    expect(messagePreview(message({ text: null, attachments: [clip] }))).toBe('🎬 Video');
    expect(messagePreview(message({ text: null, attachments: [pdf] }))).toBe('📄 Document');
    expect(messagePreview(message({ text: null }))).toBe('New message');
    expect(messagePreview(message({ unsupported: true }))).toBe('Unsupported message');
  });

  it('a voice note reads "🎤 Voice message (0:12)"', () => {
    const recording = { id: 'v', name: 'voice.webm', mime: 'audio/webm', size: 1 };
    const voice = { durationMs: 12_300, waveform: [0, 255] };
    expect(messagePreview(message({ text: null, attachments: [recording], voice }))).toBe(
      '🎤 Voice message (0:12)',
    );
    // A plain audio file stays "Audio".
    expect(messagePreview(message({ text: null, attachments: [recording] }))).toBe('🎵 Audio');
  });
});
