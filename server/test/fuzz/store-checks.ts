/**
 * Every invariant of the stored data, read straight from the SQLite file: gapless seqs, well-formed
 * messages and membership periods, and nothing written except through requests answered `ok`.
 */
import type BetterSqlite3 from 'better-sqlite3';
import {
  GROUP_DESCRIPTION_MAX_LENGTH,
  GROUP_TITLE_MAX_LENGTH,
  MENTIONS_MAX,
  MESSAGE_TEXT_MAX_LENGTH,
  hasUnsafeNameCharacter,
  idSchema,
  pollSchema,
  reactionEmojiSchema,
  isHidden,
  ACCOUNT_CHAT_KINDS,
  parseAccountKey,
  parseChatKey,
  type ConversationEvent,
} from '@chitchat/shared';
import type { Store } from '../../src/store/types';
import { isSeq } from './answers';
import type { Ledger } from './ledger';
import { describePayload } from './wire';

/** What the checks read: the file, the store's own view of it, and what was answered `ok`. */
export interface StoreView {
  db: BetterSqlite3.Database;
  store: Store;
  ledger: Ledger;
}

interface ConversationRow {
  id: string;
  kind: string;
  title: string | null;
  created_by: string;
  last_seq: number;
}
interface MembershipRow {
  conversation_id: string;
  user_id: string;
  role: string;
  delivered_seq: number;
  read_seq: number;
  receipt_seq: number;
  active: number;
  periods: string;
}
interface EventRow {
  conversation_id: string;
  seq: number;
  id: string;
  type: string;
  sender_user_id: string;
  client_msg_id: string | null;
}

/** Every invariant of the stored data (of one conversation when `only`); returns the violations. */
export async function storeViolations(
  { db, store, ledger }: StoreView,
  only?: string,
): Promise<string[]> {
  const problems: string[] = [];
  const bad = (message: string) => problems.push(message);
  const conversations = (
    only === undefined
      ? db.prepare('SELECT * FROM conversations').all()
      : db.prepare('SELECT * FROM conversations WHERE id = ?').all(only)
  ) as ConversationRow[];
  let messageCount = 0;

  for (const row of conversations) {
    const c = row.id;
    const conversation = await store.getConversation(c);
    if (conversation === null || conversation.lastSeq !== row.last_seq) {
      bad(`${c}: the store and the table disagree`);
      continue;
    }
    if (!ledger.conversations.has(c)) bad(`${c}: a conversation no ok request created`);
    const lastSeq = conversation.lastSeq;
    const rawCount = db
      .prepare('SELECT COUNT(*) AS n, MAX(seq) AS max FROM events WHERE conversation_id = ?')
      .get(c) as { n: number; max: number | null };
    if (rawCount.n !== lastSeq || (rawCount.max ?? 0) !== lastSeq)
      bad(`${c}: ${rawCount.n} events, max seq ${rawCount.max}, lastSeq ${lastSeq}`);
    // Read as someone in the conversation from its start: every target is visible, so no stubs.
    const events = (
      await store.eventsAfter(c, [{ joinedSeq: 0, leftSeq: null }], 0, lastSeq, 1_000_000)
    ).flatMap((e) => {
      if (!isHidden(e)) return [e];
      bad(`${c}#${e.seq}: a stub for a reader of the whole log`);
      return [];
    });
    events.forEach((e, i) => {
      if (e.seq !== i + 1) bad(`${c}: seq ${e.seq} at position ${i + 1} (a gap)`);
    });
    if (events.length !== lastSeq) bad(`${c}: ${events.length} events for lastSeq ${lastSeq}`);
    const bySeq = new Map(events.map((e) => [e.seq, e]));
    const memberships = db
      .prepare('SELECT * FROM memberships WHERE conversation_id = ?')
      .all(c) as MembershipRow[];
    const periodsOf = new Map<string, [number, number | null][]>();

    // Memberships: well-formed periods that match the log.
    for (const m of memberships) {
      const who = `${c}/${m.user_id}`;
      let periods: [number, number | null][];
      try {
        periods = JSON.parse(m.periods) as [number, number | null][];
      } catch {
        bad(`${who}: periods are not JSON: ${m.periods}`);
        continue;
      }
      periodsOf.set(m.user_id, periods);
      if (!Array.isArray(periods) || periods.length === 0) {
        bad(`${who}: no periods`);
        continue;
      }
      let previousLeft = 0;
      periods.forEach(([joined, left], i) => {
        const last = i === periods.length - 1;
        if (
          !Number.isSafeInteger(joined) ||
          joined < 1 ||
          joined <= previousLeft ||
          joined > Math.max(lastSeq, 1)
        )
          bad(`${who}: bad joinedSeq in ${m.periods} (lastSeq ${lastSeq})`);
        if (left === null) {
          if (!last) bad(`${who}: an open period before the last in ${m.periods}`);
        } else if (!Number.isSafeInteger(left) || left < joined || left > lastSeq) {
          bad(`${who}: bad leftSeq in ${m.periods} (lastSeq ${lastSeq})`);
        }
        previousLeft = left ?? Number.POSITIVE_INFINITY;
        if (conversation.kind === 'group') {
          const added = bySeq.get(joined);
          if (added?.type !== 'member_added' || !added.payload.userIds.includes(m.user_id))
            bad(`${who}: joinedSeq ${joined} is not their member_added`);
          if (left !== null) {
            const removed = bySeq.get(left);
            if (removed?.type !== 'member_removed' || !removed.payload.userIds.includes(m.user_id))
              bad(`${who}: leftSeq ${left} is not their member_removed`);
          }
        }
      });
      const open = periods.at(-1)?.[1] === null;
      if ((m.active === 1) !== open) bad(`${who}: active=${m.active} but periods ${m.periods}`);
      if (!['owner', 'admin', 'member'].includes(m.role)) bad(`${who}: role ${m.role}`);
      if (!(
        0 <= m.receipt_seq &&
        m.receipt_seq <= m.read_seq &&
        m.read_seq <= m.delivered_seq &&
        m.delivered_seq <= lastSeq
      ))
        bad(
          `${who}: watermarks receipt ${m.receipt_seq} read ${m.read_seq} delivered ${m.delivered_seq} lastSeq ${lastSeq}`,
        );
    }
    const active = memberships.filter((m) => m.active === 1);
    if (conversation.kind === 'direct') {
      if (
        memberships.length !== 2 ||
        active.length !== 2 ||
        memberships.some((m) => m.periods !== '[[1,null]]' || m.role !== 'member')
      )
        bad(`${c}: a direct chat's memberships are ${JSON.stringify(memberships)}`);
      if (conversation.title !== null) bad(`${c}: a direct chat with a title`);
    } else {
      const owners = active.filter((m) => m.role === 'owner').length;
      if (active.length > 0 && owners !== 1)
        bad(`${c}: ${owners} owners among ${active.length} active members`);
      const title = conversation.title;
      if (
        typeof title !== 'string' ||
        title !== title.trim() ||
        title === '' ||
        title.length > GROUP_TITLE_MAX_LENGTH ||
        hasUnsafeNameCharacter(title)
      )
        bad(`${c}: group title of ${String(title?.length)} chars: ${describePayload(title)}`);
      const first = bySeq.get(1);
      if (first?.type !== 'member_added' || first.senderUserId !== conversation.createdBy)
        bad(`${c}: seq 1 of a group is not the creator's member_added`);
    }
    const covers = (userId: string, seq: number) =>
      (periodsOf.get(userId) ?? []).some(([j, l]) => seq >= j && (l === null || seq <= l));

    // Events.
    const edits = new Map<number, ConversationEvent[]>();
    const deletes = new Map<number, ConversationEvent[]>();
    /** Reactions, pins and votes: none may land on a message after its delete. */
    const reactions: ConversationEvent[] = [];
    for (const e of events) {
      const at = `${c}#${e.seq} (${e.type})`;
      if (
        [
          'message',
          'message_edited',
          'message_deleted',
          'reaction',
          'pin',
          'poll_vote',
          'conversation_renamed',
          'description_changed',
          'group_settings',
          'avatar_changed',
        ].includes(e.type) &&
        !covers(e.senderUserId, e.seq)
      )
        bad(`${at}: the sender ${e.senderUserId} was not a member at that seq`);
      if (
        conversation.kind === 'direct' &&
        !['message', 'message_edited', 'message_deleted', 'reaction', 'pin', 'poll_vote'].includes(
          e.type,
        )
      )
        bad(`${at}: a group event in a direct chat`);
      if (
        e.seq > 1 &&
        !['message', 'message_edited', 'message_deleted', 'reaction', 'pin', 'poll_vote'].includes(
          e.type,
        ) &&
        !ledger.groupChanged.has(c)
      )
        bad(`${at}: a group event no ok request made`);
      switch (e.type) {
        case 'message': {
          messageCount++;
          if (!ledger.sentIds.has(e.id)) bad(`${at}: a message no ok message:send answered`);
          if (!idSchema.safeParse(e.clientMsgId).success)
            bad(`${at}: clientMsgId ${JSON.stringify(e.clientMsgId)}`);
          const { text, attachments, replyToSeq } = e.payload;
          if (text !== null && (typeof text !== 'string' || text.length > MESSAGE_TEXT_MAX_LENGTH))
            bad(`${at}: text of ${String(text?.length)} chars: ${describePayload(text)}`);
          if (!Array.isArray(attachments)) bad(`${at}: attachments ${JSON.stringify(attachments)}`);
          const { poll } = e.payload;
          if (e.deletedAt === null) {
            if (
              (typeof text !== 'string' || text.trim() === '') &&
              (attachments?.length ?? 0) === 0 &&
              poll === undefined
            )
              bad(
                `${at}: a message without text, attachments or poll: ${describePayload(e.payload)}`,
              );
            if (poll !== undefined && !pollSchema.safeParse(poll).success)
              bad(`${at}: a malformed poll ${describePayload(poll)}`);
            if (poll !== undefined && (attachments.length > 0 || e.payload.voice !== undefined))
              bad(`${at}: a poll with attachments`);
          } else if (text !== null || attachments.length > 0 || poll !== undefined) {
            bad(`${at}: a deleted message keeps its content`);
          }
          if (
            replyToSeq !== null &&
            (!isSeq(replyToSeq) || replyToSeq >= e.seq || bySeq.get(replyToSeq)?.type !== 'message')
          )
            bad(`${at}: replyToSeq ${replyToSeq} is not an earlier message`);
          // Mentions: distinct members at the message's seq, bounded, and gone with a delete.
          const { mentions } = e.payload;
          if (mentions !== undefined) {
            if (
              !Array.isArray(mentions) ||
              mentions.length === 0 ||
              mentions.length > MENTIONS_MAX ||
              new Set(mentions).size !== mentions.length
            )
              bad(`${at}: mentions ${JSON.stringify(mentions)}`);
            else
              for (const id of mentions)
                if (!covers(id, e.seq)) bad(`${at}: mentions ${id}, not a member at that seq`);
            if (e.deletedAt !== null) bad(`${at}: a deleted message keeps its mentions`);
          }
          break;
        }
        case 'message_edited':
        case 'message_deleted': {
          if (!ledger.editDeleteSeqs.has(`${c}#${e.seq}`))
            bad(`${at}: no ok request answered this seq`);
          const target = bySeq.get(e.payload.targetSeq);
          if (target?.type !== 'message' || e.payload.targetSeq >= e.seq) {
            bad(`${at}: target ${e.payload.targetSeq} is not an earlier message`);
            break;
          }
          const list = e.type === 'message_edited' ? edits : deletes;
          list.set(target.seq, [...(list.get(target.seq) ?? []), e]);
          if (e.type === 'message_edited' && e.senderUserId !== target.senderUserId)
            bad(`${at}: edited by ${e.senderUserId}, sent by ${target.senderUserId}`);
          break;
        }
        case 'pin': {
          if (!ledger.editDeleteSeqs.has(`${c}#${e.seq}`))
            bad(`${at}: no ok request answered this seq`);
          const target = bySeq.get(e.payload.targetSeq);
          if (target?.type !== 'message' || e.payload.targetSeq >= e.seq)
            bad(`${at}: target ${e.payload.targetSeq} is not an earlier message`);
          else reactions.push(e);
          if (typeof e.payload.pinned !== 'boolean')
            bad(`${at}: pinned ${String(e.payload.pinned)}`);
          break;
        }
        case 'poll_vote': {
          if (!ledger.editDeleteSeqs.has(`${c}#${e.seq}`))
            bad(`${at}: no ok request answered this seq`);
          const target = bySeq.get(e.payload.targetSeq);
          // The poll as it was sent: a delete later empties the row, not the vote's right to exist.
          if (target?.type !== 'message' || e.payload.targetSeq >= e.seq) {
            bad(`${at}: target ${e.payload.targetSeq} is not an earlier message`);
            break;
          }
          reactions.push(e);
          const { poll } = target.payload;
          const { options } = e.payload;
          if (target.deletedAt === null && poll === undefined)
            bad(`${at}: a vote on a message without a poll`);
          if (
            !Array.isArray(options) ||
            new Set(options).size !== options.length ||
            options.some((o) => !Number.isSafeInteger(o) || o < 0) ||
            (poll !== undefined &&
              (options.some((o) => o >= poll.options.length) ||
                (!poll.multiple && options.length > 1)))
          )
            bad(`${at}: options ${JSON.stringify(options)} do not fit the poll`);
          break;
        }
        case 'reaction': {
          if (!ledger.editDeleteSeqs.has(`${c}#${e.seq}`))
            bad(`${at}: no ok request answered this seq`);
          const target = bySeq.get(e.payload.targetSeq);
          if (target?.type !== 'message' || e.payload.targetSeq >= e.seq)
            bad(`${at}: target ${e.payload.targetSeq} is not an earlier message`);
          else reactions.push(e);
          const { emoji } = e.payload;
          if (emoji !== null && reactionEmojiSchema.safeParse(emoji).data !== emoji)
            bad(`${at}: emoji ${describePayload(emoji)} is not one emoji in its emoji form`);
          break;
        }
        case 'conversation_renamed': {
          const t = e.payload.title;
          if (
            typeof t !== 'string' ||
            t !== t.trim() ||
            t === '' ||
            t.length > GROUP_TITLE_MAX_LENGTH ||
            hasUnsafeNameCharacter(t)
          )
            bad(`${at}: title of ${String(t?.length)} chars: ${describePayload(t)}`);
          break;
        }
        case 'description_changed': {
          const d = e.payload.description;
          if (
            d !== null &&
            (typeof d !== 'string' ||
              d !== d.trim() ||
              d === '' ||
              d.length > GROUP_DESCRIPTION_MAX_LENGTH ||
              hasUnsafeNameCharacter(d.replaceAll('\n', '')))
          )
            bad(`${at}: description ${describePayload(d)}`);
          break;
        }
        case 'group_settings': {
          const p = e.payload.permissions;
          const audiences = ['everyone', 'admins'];
          if (
            !audiences.includes(p.send) ||
            !audiences.includes(p.editInfo) ||
            typeof p.approveJoins !== 'boolean' ||
            Object.keys(p).length !== 3
          )
            bad(`${at}: permissions ${describePayload(p)}`);
          break;
        }
        case 'avatar_changed':
          // The fuzz world uploads nothing: no id can pass as a photo the caller uploaded.
          bad(`${at}: a group photo ${describePayload(e.payload.avatar)} set without an upload`);
          break;
        case 'member_added':
        case 'member_removed':
          if (!Array.isArray(e.payload.userIds) || e.payload.userIds.length === 0)
            bad(`${at}: userIds ${JSON.stringify(e.payload.userIds)}`);
          break;
        case 'member_role':
          if (!['owner', 'admin', 'member'].includes(e.payload.role))
            bad(`${at}: role ${e.payload.role}`);
          break;
        default:
          bad(`${at}: an unknown event type`);
      }
    }
    // No reaction, pin or vote lands on a message after its delete.
    for (const r of reactions) {
      if (r.type !== 'reaction' && r.type !== 'pin' && r.type !== 'poll_vote') continue;
      const deletedAt = deletes.get(r.payload.targetSeq)?.[0]?.seq;
      if (deletedAt !== undefined && deletedAt < r.seq)
        bad(`${c}#${r.seq}: a ${r.type} of ${r.payload.targetSeq}, deleted at ${deletedAt}`);
    }
    if (conversation.avatar !== null)
      bad(`${c}: avatar ${describePayload(conversation.avatar)} without an upload`);
    // The title is the last rename's.
    const lastRename = events.findLast((e) => e.type === 'conversation_renamed');
    if (
      lastRename?.type === 'conversation_renamed' &&
      lastRename.payload.title !== conversation.title
    )
      bad(
        `${c}: title ${describePayload(conversation.title)} is not the last rename's ${describePayload(lastRename.payload.title)}`,
      );
    // Message state matches its edits and deletes.
    for (const e of events) {
      if (e.type !== 'message') continue;
      const at = `${c}#${e.seq}`;
      const its = edits.get(e.seq) ?? [];
      const dels = deletes.get(e.seq) ?? [];
      if (dels.length > 1) bad(`${at}: deleted ${dels.length} times`);
      if (dels.length > 0 !== (e.deletedAt !== null))
        bad(`${at}: deletedAt ${e.deletedAt} but ${dels.length} deletes`);
      const deletedAtSeq = dels[0]?.seq ?? Number.POSITIVE_INFINITY;
      if (e.editVersion !== its.length)
        bad(`${at}: editVersion ${e.editVersion} for ${its.length} edits`);
      if ((e.editedAt === null) !== (its.length === 0))
        bad(`${at}: editedAt ${e.editedAt} for ${its.length} edits`);
      its.forEach((edit, i) => {
        if (edit.type !== 'message_edited') return;
        if (edit.payload.editVersion !== i + 1)
          bad(
            `${at}: edit ${edit.seq} has editVersion ${edit.payload.editVersion}, expected ${i + 1}`,
          );
        if (edit.seq > deletedAtSeq)
          bad(`${at}: edited at ${edit.seq} after its delete at ${deletedAtSeq}`);
        const t = edit.payload.text;
        if (
          e.deletedAt !== null
            ? t !== null
            : typeof t !== 'string' || t.trim() === '' || t.length > MESSAGE_TEXT_MAX_LENGTH
        )
          bad(`${at}: edit ${edit.seq} text ${describePayload(t)}`);
      });
      const lastEdit = its.at(-1);
      if (
        e.deletedAt === null &&
        lastEdit?.type === 'message_edited' &&
        e.payload.text !== lastEdit.payload.text
      )
        bad(
          `${at}: current text ${describePayload(e.payload.text)} is not the last edit's ${describePayload(lastEdit.payload.text)}`,
        );
    }
  }

  // Nothing stored except through ok answers, and everything acked is stored.
  if (only !== undefined) return problems;
  if (messageCount !== ledger.sentIds.size)
    bad(
      `${messageCount} message events stored, ${ledger.sentIds.size} distinct ok message:send answers`,
    );
  const stored = db
    .prepare("SELECT id, sender_user_id, client_msg_id FROM events WHERE type = 'message'")
    .all() as EventRow[];
  const storedIds = new Set(stored.map((e) => e.id));
  for (const id of ledger.sentIds) if (!storedIds.has(id)) bad(`acked message ${id} is not stored`);
  const okKeys = new Set(ledger.firstSend.keys());
  const storedKeys = new Set(stored.map((e) => `${e.sender_user_id}\u0000${e.client_msg_id}`));
  for (const key of ledger.refusedSends)
    if (!okKeys.has(key) && storedKeys.has(key))
      bad(`a refused message:send was stored: ${JSON.stringify(key.split('\u0000'))}`);
  for (const id of ledger.conversations)
    if (!conversations.some((c) => c.id === id)) bad(`acked conversation ${id} is not stored`);
  problems.push(...accountStateViolations(db));
  return problems;
}

/**
 * The account state (DESIGN §3): every entry with a value names a message its owner may see (inside
 * their periods), and each user's version is that of their newest entry.
 */
export function accountStateViolations(db: BetterSqlite3.Database): string[] {
  const problems: string[] = [];
  const entries = db.prepare('SELECT user_id, key, value, version FROM account_entries').all() as {
    user_id: string;
    key: string;
    value: string | null;
    version: number;
  }[];
  const newest = new Map<string, number>();
  for (const entry of entries) {
    newest.set(entry.user_id, Math.max(newest.get(entry.user_id) ?? 0, entry.version));
    if (entry.value === null) continue;
    const chat = parseChatKey(entry.key);
    if (
      chat !== null &&
      !ACCOUNT_CHAT_KINDS[chat.kind].value.safeParse(JSON.parse(entry.value)).success
    )
      problems.push(`account entry ${entry.key} of ${entry.user_id}: a value not of its kind`);
    if (chat !== null) {
      const member = db
        .prepare('SELECT 1 FROM memberships WHERE conversation_id = ? AND user_id = ?')
        .get(chat.conversationId, entry.user_id);
      if (member === undefined)
        problems.push(`account entry ${entry.key} of ${entry.user_id} names a chat never theirs`);
      continue;
    }
    const target = parseAccountKey(entry.key);
    if (target === null) {
      problems.push(`account entry ${entry.key} of ${entry.user_id}: a malformed key`);
      continue;
    }
    const event = db
      .prepare('SELECT type FROM events WHERE conversation_id = ? AND seq = ?')
      .get(target.conversationId, target.seq) as { type: string } | undefined;
    const membership = db
      .prepare('SELECT periods FROM memberships WHERE conversation_id = ? AND user_id = ?')
      .get(target.conversationId, entry.user_id) as { periods: string } | undefined;
    const periods = membership ? (JSON.parse(membership.periods) as [number, number | null][]) : [];
    const inside = periods.some(([j, l]) => target.seq >= j && (l === null || target.seq <= l));
    if (event?.type !== 'message' || !inside)
      problems.push(`account entry ${entry.key} of ${entry.user_id} names no message they see`);
  }
  const versions = db.prepare('SELECT user_id, version FROM account_versions').all() as {
    user_id: string;
    version: number;
  }[];
  for (const { user_id, version } of versions)
    if ((newest.get(user_id) ?? 0) !== version)
      problems.push(
        `account version ${version} of ${user_id}, newest entry ${newest.get(user_id)}`,
      );
  return problems;
}
