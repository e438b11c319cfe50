import {
  EVENT_TYPES,
  chatKey,
  isMutedAt,
  voiceNoteSchema,
  type AttachmentRef,
  type LinkPreview,
  type VoiceNote,
} from '@chitchat/shared';
import { pollView, storedPoll } from './poll-view';
import {
  attachmentKindOf,
  type ConversationView,
  type LinkPreviewView,
  type MemberView,
  type MessagePreview,
  type MessageStatus,
  type MessageView,
  type SearchHit,
} from '../common/contract';
import {
  HIGHLIGHT_END,
  HIGHLIGHT_START,
  type ConversationRow,
  type EditPayload,
  type EventRow,
  type LocalStore,
  type MemberRow,
  type OutboxLinkPreview,
  type OutboxRow,
  type SearchRow,
  type SendPayload,
  type UserRow,
} from './local-store/index';
import type { ReactionRow } from './local-store/index';
import { pendingReactions, reactionViews } from './reaction-views';
import { mentionedIds, mentionViews } from './mentions';
import { currentPins } from './pins';
import { groupInfoOf } from './group-views';
import { playedViews, quotedText } from './voice-views';
import { voiceMessageLabel } from '../common/voice';

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

interface Marks {
  /** The lowest delivered / read watermark over the other members (what ticks compare against). */
  delivered: number;
  read: number;
}

/** Turns the local store's rows into the plain views the screen shows. */
export class ViewBuilder {
  constructor(
    private readonly store: LocalStore,
    /** Upload progress of an outbox entry, while its files are being sent. */
    private readonly progressOf: (key: string) => { sent: number; total: number } | null = () =>
      null,
  ) {}

  private nameOf(users: Map<string, UserRow>, userId: string): string {
    if (userId === this.store.userId) return 'You';
    return users.get(userId)?.display_name ?? 'Someone';
  }

  /**
   * Watermarks of the other members: the minimum, which decides delivered and read ticks. A
   * message counts only the members whose period covers its seq (DESIGN §5), so a member stands
   * at no less than `joined_seq - 1`: everything before they joined never waits for them, and
   * adding someone turns no old message back to "sent".
   */
  marks(row: ConversationRow): Marks {
    if (row.kind === 'group' && row.member_count > 32) {
      return { delivered: row.group_delivered_seq, read: row.group_read_seq };
    }
    const others = this.store.members(row.id).filter((m) => m.user_id !== this.store.userId);
    // Nobody known to deliver to yet: stay at "sent" rather than claim more.
    if (others.length === 0) return { delivered: 0, read: 0 };
    const before = (m: MemberRow) => Math.max(m.joined_seq - 1, 0);
    return {
      delivered: Math.min(
        ...others.map((m) => Math.max(m.delivered_seq, m.receipt_seq, before(m))),
      ),
      read: Math.min(...others.map((m) => Math.max(m.receipt_seq, before(m)))),
    };
  }

  private statusOf(seq: number, marks: Marks): MessageStatus {
    if (seq <= marks.read) return 'read';
    if (seq <= marks.delivered) return 'delivered';
    return 'sent';
  }

  conversation(row: ConversationRow, typing: string[]): ConversationView {
    const memberRows = this.store.members(row.id);
    const users = this.store.users([
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
    const lastPending = this.store
      .outbox(row.id)
      .filter((o) => o.kind === 'send')
      .at(-1);
    const lastEvent = this.store.lastTimelineEvent(row.id);
    let lastMessage: MessagePreview | null = null;
    const marks = this.marks(row);
    if (
      lastPending !== undefined &&
      (lastEvent === null || lastPending.created_at >= lastEvent.created_at)
    ) {
      const payload = JSON.parse(lastPending.payload) as SendPayload;
      lastMessage = {
        attachment:
          payload.voice !== undefined
            ? null
            : attachmentSummary((payload.attachments ?? []).map((a) => a.mime)),
        senderUserId: this.store.userId,
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
    } else if (lastEvent !== null) {
      const view = this.message(lastEvent, users, marks);
      // A voice note reads "🎤 Voice message (0:12)" rather than as an audio file.
      const voice = view.deletedAt === null ? view.voice : undefined;
      lastMessage = {
        attachment:
          voice !== undefined ? null : attachmentSummary(view.attachments.map((a) => a.mime)),
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
    return {
      id: row.id,
      kind: row.kind,
      title,
      status: row.status,
      role: row.role,
      ...this.chatState(row.id),
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
      lastMessage,
      lastActivityAt: Math.max(row.last_activity_at, lastPending?.created_at ?? 0),
      unreadCount: row.unread_count,
      typing: typing.filter((id) => id !== this.store.userId),
      request: row.request,
      unreadMention: row.unread_count > 0 && this.store.unreadMention(row.id, row.read_seq),
    };
  }

  /**
   * The person's own settings of a chat, from the account state (DESIGN §3): pinned, archived,
   * marked unread, muted until, and the draft, as every device of theirs holds them.
   */
  private chatState(conversationId: string) {
    const { account } = this.store;
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

  /** A page of the timeline: events, then what still waits in the outbox. */
  page(row: ConversationRow, events: EventRow[], includeOutbox: boolean): MessageView[] {
    // Sends wait in the timeline; an edit or delete shows only once it failed (to retry or discard).
    // A reaction never has a row of its own: it shows under its message, or not at all. A pin
    // waiting in the outbox shows in the pinned bar (pins.ts), never as a row.
    const allOutbox = this.store.outbox(row.id);
    const outbox = includeOutbox
      ? allOutbox.filter(
          (o) =>
            o.kind === 'send' ||
            (o.state === 'failed' && o.kind !== 'react' && o.kind !== 'vote' && o.kind !== 'pin'),
        )
      : [];
    const seqs = events.map((e) => e.seq);
    const reactions =
      seqs.length === 0
        ? new Map<number, ReactionRow[]>()
        : this.store.reactions.between(row.id, Math.min(...seqs), Math.max(...seqs));
    const pendingReacts = pendingReactions(this.store, row.id, allOutbox);
    const pinned = new Set(currentPins(this.store, row.id).map((p) => p.targetSeq));
    const userIds = new Set<string>([this.store.userId]);
    for (const e of events) {
      userIds.add(e.sender_user_id);
      for (const id of involvedUsers(e)) userIds.add(id);
    }
    for (const list of reactions.values()) for (const r of list) userIds.add(r.user_id);
    const users = this.store.users([...userIds]);
    const marks = this.marks(row);
    const nameOf = (userId: string) => this.nameOf(users, userId);
    const played = playedViews(this.store, row, events, (id) =>
      this.nameOf(this.store.users([id]), id),
    );
    const views = events.map((e) => {
      const message = this.message(e, users, marks, pinned);
      const playedView = played.get(e.seq);
      const view = playedView === undefined ? message : { ...message, played: playedView };
      if (e.type !== 'message' || e.deleted_at !== null) return view;
      const mine = pendingReacts.bySeq.has(e.seq)
        ? pendingReacts.bySeq.get(e.seq)
        : e.client_msg_id !== null && e.sender_user_id === this.store.userId
          ? pendingReacts.byKey.get(e.client_msg_id)
          : undefined;
      const chips = reactionViews(reactions.get(e.seq) ?? [], this.store.userId, mine, nameOf);
      return chips.length > 0 ? { ...view, reactions: chips } : view;
    });
    for (const entry of outbox) {
      const view = this.pending(entry, users);
      const mine = view.seq !== null ? pendingReacts.bySeq.get(view.seq) : undefined;
      const chips = reactionViews(
        [],
        this.store.userId,
        mine ?? pendingReacts.byKey.get(entry.key),
        nameOf,
      );
      views.push(chips.length > 0 ? { ...view, reactions: chips } : view);
    }
    return views;
  }

  message(
    event: EventRow,
    users: Map<string, UserRow>,
    marks: Marks,
    pinned: ReadonlySet<number> = new Set(),
  ): MessageView {
    const payload = JSON.parse(event.payload) as Record<string, unknown>;
    const own = event.sender_user_id === this.store.userId;
    const isMessage = event.type === 'message';
    const replyToSeq =
      isMessage && typeof payload.replyToSeq === 'number' ? payload.replyToSeq : null;
    let replyTo: MessageView['replyTo'] = null;
    if (replyToSeq !== null) {
      const target = this.store.eventAt(event.conversation_id, replyToSeq);
      replyTo = {
        seq: replyToSeq,
        senderName: target
          ? this.nameOf(this.store.users([target.sender_user_id]), target.sender_user_id)
          : '',
        text: quotedText(target),
      };
    }
    return {
      key: event.client_msg_id ?? event.id,
      conversationId: event.conversation_id,
      seq: event.seq,
      type: event.type,
      senderUserId: event.sender_user_id,
      senderName: this.nameOf(users, event.sender_user_id),
      own,
      text: isMessage ? event.text : null,
      systemText:
        isMessage || !KNOWN_TYPES.has(event.type) ? null : this.systemText(event, payload, users),
      replyTo,
      attachments:
        isMessage && Array.isArray(payload.attachments)
          ? (payload.attachments as AttachmentRef[]).map((a) => ({
              ...a,
              thumbnail: a.thumbnail === true,
            }))
          : [],
      createdAt: event.created_at,
      editedAt: event.edited_at,
      deletedAt: event.deleted_at,
      status: own && isMessage ? this.statusOf(event.seq, marks) : null,
      error: null,
      unsupported: !KNOWN_TYPES.has(event.type),
      forwarded: isMessage && payload.forwarded === true,
      linkPreview: isMessage ? linkPreviewOf(payload.linkPreview) : null,
      starred: isMessage && this.store.account.isStarred(event.conversation_id, event.seq),
      mentions: isMessage ? mentionViews(payload, users, this.store.userId) : undefined,
      ...(isMessage && pinned.has(event.seq) ? { pinned: true } : {}),
      ...(event.type === 'pin' && typeof payload.targetSeq === 'number'
        ? { pinTarget: payload.targetSeq }
        : {}),
      ...this.pollOf(event.conversation_id, event.seq, event.client_msg_id, payload.poll, event),
      ...(isMessage ? voiceOf(payload.voice) : {}),
    };
  }

  /** The `poll` field of a message view: absent unless the message is a poll (not deleted). */
  private pollOf(
    conversationId: string,
    seq: number | null,
    key: string | null,
    value: unknown,
    event?: EventRow,
  ): { poll?: MessageView['poll'] } {
    if (event !== undefined && (event.type !== 'message' || event.deleted_at !== null)) return {};
    const poll = storedPoll(value);
    if (poll === null) return {};
    return {
      poll: pollView(this.store, conversationId, { seq, key }, poll, (ids) => {
        const users = this.store.users(ids);
        return (id) => this.nameOf(users, id);
      }),
    };
  }

  private pending(entry: OutboxRow, users: Map<string, UserRow>): MessageView {
    if (entry.kind !== 'send') return this.failedChange(entry);
    const payload = JSON.parse(entry.payload) as SendPayload;
    let replyTo: MessageView['replyTo'] = null;
    if (payload.replyToSeq !== undefined) {
      // After a restore the seq is stale until the target is found again: never quote whatever
      // message has that seq now.
      const seq =
        payload.replyTarget === undefined
          ? payload.replyToSeq
          : this.store.resolveOutboxTarget(entry.conversation_id, payload.replyTarget);
      const target = seq === null ? null : this.store.eventAt(entry.conversation_id, seq);
      replyTo = {
        seq: seq ?? payload.replyToSeq,
        senderName: target ? this.nameOf(users, target.sender_user_id) : '',
        text: quotedText(target),
      };
    } else if (payload.replyToKey !== undefined) {
      replyTo = this.pendingQuote(entry.conversation_id, payload.replyToKey);
    }
    return {
      key: entry.key,
      conversationId: entry.conversation_id,
      seq: entry.seq,
      type: 'message',
      senderUserId: this.store.userId,
      senderName: 'You',
      own: true,
      text: payload.text,
      systemText: null,
      replyTo,
      attachments: (payload.attachments ?? []).map((a, index) => ({
        id: a.mediaId ?? `local:${entry.key}:${index}`,
        name: a.name,
        mime: a.mime,
        size: a.size,
        ...(a.width !== undefined ? { width: a.width } : {}),
        ...(a.height !== undefined ? { height: a.height } : {}),
        thumbnail: a.mediaId !== undefined && a.thumbnail === true,
      })),
      upload: this.progressOf(entry.key),
      createdAt: entry.created_at,
      editedAt: null,
      deletedAt: null,
      status: entry.state === 'failed' ? 'failed' : entry.state === 'sent' ? 'sent' : 'pending',
      error: entry.error,
      unsupported: false,
      forwarded: payload.forwarded === true,
      linkPreview: pendingLinkPreviewOf(entry.key, payload.linkPreview),
      mentions: mentionViews(payload, this.store.users(payload.mentions ?? []), this.store.userId),
      ...this.pollOf(entry.conversation_id, null, entry.key, payload.poll),
      ...(payload.voice !== undefined ? { voice: payload.voice } : {}),
    };
  }

  /** The quote of a reply to an own message that was itself still in the outbox. */
  private pendingQuote(conversationId: string, key: string): MessageView['replyTo'] {
    const target = this.store.ownMessage(conversationId, key);
    if (target === null) return null;
    if ('seq' in target) {
      return {
        seq: target.seq,
        senderName: 'You',
        text: this.store.eventAt(conversationId, target.seq)?.text ?? null,
      };
    }
    const entry = this.store.outboxEntry(key);
    const text = entry === null ? '' : (JSON.parse(entry.payload) as SendPayload).text;
    return { seq: null, senderName: 'You', text: text.trim() === '' ? null : text };
  }

  /** A failed edit or delete, as a row of its own: its target may not be loaded, or not exist. */
  private failedChange(entry: OutboxRow): MessageView {
    const payload = JSON.parse(entry.payload) as Partial<EditPayload>;
    return {
      key: entry.key,
      conversationId: entry.conversation_id,
      seq: null,
      type: 'message',
      senderUserId: this.store.userId,
      senderName: 'You',
      own: true,
      text: entry.kind === 'edit' ? (payload.text ?? '') : null,
      systemText: null,
      replyTo: null,
      attachments: [],
      createdAt: entry.created_at,
      editedAt: null,
      deletedAt: null,
      status: entry.state === 'failed' ? 'failed' : 'pending',
      error: entry.error,
      unsupported: false,
      forwarded: false,
      linkPreview: null,
      change: entry.kind === 'edit' ? 'edit' : 'delete',
    };
  }

  private systemText(
    event: EventRow,
    payload: Record<string, unknown>,
    users: Map<string, UserRow>,
  ): string {
    const actor = this.nameOf(users, event.sender_user_id);
    const names = (ids: unknown) =>
      (Array.isArray(ids) ? ids : []).map((id) => this.nameOf(users, String(id))).join(', ');
    switch (event.type) {
      case 'member_added':
        return event.seq === 1
          ? `${actor} created the group`
          : `${actor} added ${names(payload.userIds)}`;
      case 'member_removed':
        return payload.left === true
          ? `${names(payload.userIds)} left`
          : `${actor} removed ${names(payload.userIds)}`;
      case 'member_role': {
        const who = this.nameOf(users, String(payload.userId));
        return payload.role === 'owner'
          ? `${who} is now the owner`
          : payload.role === 'admin'
            ? `${actor} made ${who} an admin`
            : `${actor} made ${who} a member`;
      }
      case 'pin':
        return payload.pinned === true
          ? `${actor} pinned a message`
          : `${actor} unpinned a message`;
      case 'conversation_renamed':
        return `${actor} renamed the group to “${String(payload.title)}”`;
      case 'description_changed':
        return payload.description === null
          ? `${actor} removed the group description`
          : `${actor} changed the group description`;
      case 'group_settings':
        return `${actor} changed the group settings`;
      case 'avatar_changed':
        return payload.avatar === null
          ? `${actor} removed the group photo`
          : `${actor} changed the group photo`;
      default:
        return '';
    }
  }

  searchHit(row: SearchRow, conversations: Map<string, ConversationView>): SearchHit {
    const users = this.store.users([row.sender_user_id]);
    return {
      conversationId: row.conversation_id,
      conversationTitle: conversations.get(row.conversation_id)?.title ?? '',
      seq: row.seq,
      senderId: row.sender_user_id,
      senderName: this.nameOf(users, row.sender_user_id),
      createdAt: row.created_at,
      snippet: splitSnippet(row.snippet),
    };
  }
}

function involvedUsers(event: EventRow): string[] {
  if (event.type === 'message') {
    // Most messages mention nobody: their payload is not parsed a second time for it.
    return event.payload.includes('"mentions"')
      ? mentionedIds(JSON.parse(event.payload) as { mentions?: unknown })
      : [];
  }
  const payload = JSON.parse(event.payload) as { userIds?: unknown; userId?: unknown };
  const ids = Array.isArray(payload.userIds) ? payload.userIds.map(String) : [];
  if (typeof payload.userId === 'string') ids.push(payload.userId);
  return ids;
}

/** Splits FTS5 snippet text with highlight marks into plain and highlighted parts. */
function attachmentSummary(mimes: string[]): MessagePreview['attachment'] {
  const first = mimes[0];
  if (first === undefined) return null;
  return { kind: attachmentKindOf(first), count: mimes.length };
}

export function splitSnippet(snippet: string): SearchHit['snippet'] {
  const parts: SearchHit['snippet'] = [];
  let rest = snippet;
  while (rest.length > 0) {
    const start = rest.indexOf(HIGHLIGHT_START);
    if (start === -1) {
      parts.push({ text: rest, highlight: false });
      break;
    }
    if (start > 0) parts.push({ text: rest.slice(0, start), highlight: false });
    const end = rest.indexOf(HIGHLIGHT_END, start);
    const stop = end === -1 ? rest.length : end;
    parts.push({ text: rest.slice(start + 1, stop), highlight: true });
    rest = end === -1 ? '' : rest.slice(end + 1);
  }
  return parts;
}

/** The host a preview card shows under its title ("example.com"). */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return '';
  }
}

/** A stored message's link preview as a bubble shows it; anything malformed shows none. */
function linkPreviewOf(value: unknown): LinkPreviewView | null {
  if (typeof value !== 'object' || value === null) return null;
  const preview = value as Partial<LinkPreview>;
  if (typeof preview.url !== 'string' || typeof preview.title !== 'string') return null;
  const image = preview.image;
  return {
    url: preview.url,
    host: hostOf(preview.url),
    title: preview.title,
    description: typeof preview.description === 'string' ? preview.description : null,
    image:
      image != null && typeof image.id === 'string'
        ? { ...image, thumbnail: image.thumbnail === true }
        : null,
  };
}

/** The preview of a message still in the outbox: its image from beside the outbox until uploaded. */
function pendingLinkPreviewOf(
  key: string,
  preview: OutboxLinkPreview | undefined,
): LinkPreviewView | null {
  if (preview === undefined) return null;
  const image = preview.image;
  return {
    url: preview.url,
    host: hostOf(preview.url),
    title: preview.title,
    description: preview.description,
    image:
      image === undefined
        ? null
        : {
            id: image.mediaId ?? `local:${key}:preview`,
            name: image.name,
            mime: image.mime,
            size: image.size,
            thumbnail: image.mediaId !== undefined && image.thumbnail === true,
          },
  };
}

/** A stored message's voice note description, when it is one and well-formed (from the server). */
function voiceOf(value: unknown): { voice?: VoiceNote } {
  const parsed = voiceNoteSchema.safeParse(value);
  return parsed.success ? { voice: parsed.data } : {};
}
