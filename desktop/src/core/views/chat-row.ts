import { chatKey, isMutedAt } from '@chitchat/shared';
import {
  attachmentKindOf,
  type ConversationView,
  type MemberView,
  type MessagePreview,
} from '../../common/contract';
import { voiceMessageLabel } from '../../common/voice';
import { groupInfoOf } from '../group-views';
import type {
  ConversationRow,
  LocalStore,
  OutboxRow,
  SendPayload,
  UserRow,
} from '../local-store/index';
import { receiptMarks } from './marks';
import { messageView } from './message-row';

/** A chat as a row of the chat list (and the header of the open chat). */
export function conversationView(
  store: LocalStore,
  row: ConversationRow,
  typing: string[],
): ConversationView {
  const memberRows = store.members(row.id);
  const users = store.users([
    ...memberRows.map((m) => m.user_id),
    ...(row.peer_id ? [row.peer_id] : []),
  ]);
  const peer = row.peer_id ? users.get(row.peer_id) : undefined;
  const members: MemberView[] = memberRows.map((m) => ({
    userId: m.user_id,
    username: users.get(m.user_id)?.username ?? '',
    displayName: users.get(m.user_id)?.display_name ?? '',
    photo: users.get(m.user_id)?.photo ?? null,
    role: m.role,
  }));
  const title =
    row.kind === 'group' ? (row.title ?? 'Group') : (peer?.display_name ?? 'Direct chat');
  const lastPending = store
    .outbox(row.id)
    .filter((o) => o.kind === 'send')
    .at(-1);
  return {
    id: row.id,
    kind: row.kind,
    title,
    status: row.status,
    role: row.role,
    ...chatState(store, row.id),
    peer: peer
      ? {
          id: peer.id,
          username: peer.username,
          displayName: peer.display_name,
          photo: peer.photo,
          about: peer.about,
        }
      : null,
    photo: row.kind === 'direct' ? (peer?.photo ?? null) : row.avatar,
    ...(row.kind === 'group' ? { group: groupInfoOf(row) } : {}),
    members,
    memberCount: row.member_count,
    lastMessage: lastMessageOf(store, row, users, lastPending),
    lastActivityAt: Math.max(row.last_activity_at, lastPending?.created_at ?? 0),
    unreadCount: row.unread_count,
    typing: typing.filter((id) => id !== store.userId),
    request: row.request,
    unreadMention: row.unread_count > 0 && store.unreadMention(row.id, row.read_seq),
  };
}

/** The preview line under a chat's title: its newest message, or a newer send still waiting. */
function lastMessageOf(
  store: LocalStore,
  row: ConversationRow,
  users: Map<string, UserRow>,
  lastPending: OutboxRow | undefined,
): MessagePreview | null {
  const lastEvent = store.lastTimelineEvent(row.id);
  const marks = receiptMarks(store, row);
  if (
    lastPending !== undefined &&
    (lastEvent === null || lastPending.created_at >= lastEvent.created_at)
  ) {
    const payload = JSON.parse(lastPending.payload) as SendPayload;
    return {
      attachment:
        payload.voice !== undefined
          ? null
          : attachmentSummary((payload.attachments ?? []).map((a) => a.mime)),
      senderUserId: store.userId,
      senderName: 'You',
      text:
        payload.poll !== undefined
          ? `📊 ${payload.poll.question}`
          : payload.voice !== undefined
            ? voiceMessageLabel(payload.voice.durationMs)
            : payload.text.trim() === ''
              ? null
              : payload.text,
      kind:
        payload.voice === undefined &&
        payload.text.trim() === '' &&
        (payload.attachments?.length ?? 0) > 0
          ? 'attachment'
          : 'text',
      status:
        lastPending.state === 'failed'
          ? 'failed'
          : lastPending.state === 'sent'
            ? 'sent'
            : 'pending',
      createdAt: lastPending.created_at,
    };
  }
  if (lastEvent === null) return null;
  const view = messageView(store, lastEvent, users, marks);
  // A voice note reads "🎤 Voice message (0:12)" rather than as an audio file.
  const voice = view.deletedAt === null ? view.voice : undefined;
  return {
    attachment: voice !== undefined ? null : attachmentSummary(view.attachments.map((a) => a.mime)),
    senderUserId: view.senderUserId,
    senderName: view.senderName,
    text:
      view.poll !== undefined
        ? `📊 ${view.poll.question}`
        : voice !== undefined
          ? voiceMessageLabel(voice.durationMs)
          : (view.systemText ?? view.text),
    kind: view.unsupported
      ? 'unsupported'
      : view.deletedAt !== null
        ? 'deleted'
        : view.systemText !== null
          ? 'system'
          : voice === undefined && view.text === null && view.attachments.length > 0
            ? 'attachment'
            : 'text',
    status: view.status,
    createdAt: view.createdAt,
  };
}

/**
 * The person's own settings of a chat, from the account state (DESIGN §3): pinned, archived,
 * marked unread, muted until, and the draft, as every device of theirs holds them.
 */
function chatState(store: LocalStore, conversationId: string) {
  const { account } = store;
  const pinnedAt = account.value(chatKey('pin', conversationId));
  const mute = account.value(chatKey('mute', conversationId));
  const draft = account.value(chatKey('draft', conversationId));
  return {
    muted: isMutedAt(mute, Date.now()),
    mutedUntil: isMutedAt(mute, Date.now()) && typeof mute === 'string' ? mute : null,
    pinnedAt: typeof pinnedAt === 'number' ? pinnedAt : null,
    archived: account.value(chatKey('archive', conversationId)) === true,
    markedUnread: account.value(chatKey('unread', conversationId)) === true,
    draft: typeof draft === 'string' ? draft : '',
  };
}

function attachmentSummary(mimes: string[]): MessagePreview['attachment'] {
  const first = mimes[0];
  if (first === undefined) return null;
  return { kind: attachmentKindOf(first), count: mimes.length };
}
