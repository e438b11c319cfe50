import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../../common/contract';
import { canEdit } from './canEdit';

const own = (overrides: Partial<MessageView> = {}): MessageView => ({
  key: 'k1',
  conversationId: 'c1',
  seq: 4,
  type: 'message',
  senderUserId: 'u-me',
  senderName: 'Me',
  own: true,
  text: 'Lunch?',
  systemText: null,
  replyTo: null,
  attachments: [],
  createdAt: Date.now(),
  editedAt: null,
  deletedAt: null,
  status: 'sent',
  error: null,
  unsupported: false,
  forwarded: false,
  linkPreview: null,
  ...overrides,
});

describe('which messages offer "Edit"', () => {
  it('your recent text message, sent or pending, but never a poll (votes name its options)', () => {
    expect(canEdit(own())).toBe(true);
    expect(canEdit(own({ seq: null, status: 'pending' }))).toBe(true);
    const poll = {
      question: 'Lunch?',
      multiple: false,
      voterCount: 0,
      pending: false,
      options: [],
    };
    expect(canEdit(own({ poll }))).toBe(false);
    expect(canEdit(own({ poll, seq: null, status: 'pending' }))).toBe(false);
  });
});
