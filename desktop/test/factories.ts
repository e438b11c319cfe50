import type { ConversationSummary } from '@chitchat/shared';

/** A direct-chat summary as the server sends it, with what a test needs changed. */
export const summaryOf = (overrides: Partial<ConversationSummary> = {}): ConversationSummary => ({
  id: 'c1',
  kind: 'direct',
  title: null,
  avatar: null,
  status: 'active',
  role: 'member',
  muted: false,
  lastSeq: 0,
  lastEvent: null,
  lastActivityAt: 0,
  unreadCount: 0,
  deliveredSeq: 0,
  readSeq: 0,
  memberCount: 2,
  membersVersion: 1,
  createdAt: 0,
  ...overrides,
});
