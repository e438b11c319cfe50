import {
  ACCOUNT_ENTRIES_MAX,
  ACCOUNT_PAGE_MAX,
  ACCOUNT_STATE_PROTOCOL,
  MUTE_ALWAYS,
  chatKey,
  isMutedAt,
  parseAccountKey,
  parseChatKey,
  type AccountEntry,
  type AccountSetAnswer,
  type AccountSetPayload,
  type AccountStateAnswer,
  type AccountValue,
} from '@chitchat/shared';
import type { AccountEntryRecord, Store } from '../store/types';
import { insidePeriods, readAccess, type Access } from './access';
import type { Actor } from './conversations';
import { spend, type DeviceRateLimits } from './device-limits';
import { ServiceError, notFound, refusalToError } from './errors';
import type { Fanout } from './fanout';

export type AccountStateService = ReturnType<typeof createAccountStateService>;

const toWire = (record: AccountEntryRecord): AccountEntry => ({
  key: record.key,
  value: record.value === null ? null : (JSON.parse(record.value) as AccountValue),
  version: record.version,
  updatedAt: record.updatedAt,
});

const NO_SUCH_MESSAGE = 'No such message.';

/**
 * "Delete group" for me (`deletedchat:<id>`, issue #15) is for a group the person has left, and
 * hides at most what they could see: a seq past their visible lastSeq would hide messages of a
 * later re-add they have not seen yet.
 */
function deletableForMe(access: Access, value: AccountValue): void {
  if (access.membership.active)
    throw new ServiceError('forbidden', 'Exit the group before deleting it.');
  if (typeof value !== 'number' || value > access.visibleLastSeq)
    throw new ServiceError(
      'invalid_payload',
      `A deleted group hides at most up to seq ${access.visibleLastSeq}, the last you could see.`,
    );
}

/**
 * The account state (DESIGN §3): private per user, synced to all of the user's devices and to no
 * one else. Every entry names something the user may see (a star names a message inside their
 * membership periods); removing an entry needs no such check, since it reveals nothing.
 */
export function createAccountStateService(deps: {
  store: Store;
  fanout: Fanout;
  limits: DeviceRateLimits;
  /** A mute started, changed or ended (`mute:<conversationId>`): the summary's `muted` follows. */
  muteChanged?: (userId: string, conversationId: string, muted: boolean) => Promise<void>;
  now?: () => number;
}) {
  const { store, fanout, limits } = deps;
  const now = deps.now ?? Date.now;

  /** Refuses (`not_found`, `invalid_payload`) a key naming a message or chat the user cannot see. */
  async function authorize(
    userId: string,
    { key, value }: { key: string; value: AccountValue },
    accessByConversation: Map<string, Promise<Access>>,
  ): Promise<void> {
    const accessTo = (conversationId: string): Promise<Access> => {
      let access = accessByConversation.get(conversationId);
      if (access === undefined) {
        access = readAccess(store, conversationId, userId);
        accessByConversation.set(conversationId, access);
      }
      return access;
    };
    // A chat's entry (pinned, archived, marked unread) needs the user to be or have been a member.
    const chat = parseChatKey(key);
    if (chat !== null) {
      const access = await accessTo(chat.conversationId);
      if (chat.kind === 'deletedchat') deletableForMe(access, value);
      return;
    }
    const target = parseAccountKey(key);
    // The schema admitted only well-formed keys; this keeps the type narrow.
    if (target === null) throw new ServiceError('invalid_payload', `Malformed key ${key}.`);
    const { membership, visibleLastSeq } = await accessTo(target.conversationId);
    // Outside the periods it is as absent as a seq that was never written: no hint either way.
    if (target.seq > visibleLastSeq || !insidePeriods(membership.periods, target.seq))
      throw notFound(NO_SUCH_MESSAGE);
    const event = await store.getEvent(target.conversationId, target.seq);
    if (event === null) throw notFound(NO_SUCH_MESSAGE);
    if (event.type !== 'message')
      throw new ServiceError(
        'invalid_payload',
        `Only messages can be ${target.kind === 'star' ? 'starred' : 'deleted for you'}.`,
      );
  }

  /** Applies the changes at once, tells every device of the user, and answers the new version. */
  async function set(actor: Actor, payload: AccountSetPayload): Promise<AccountSetAnswer> {
    const { userId, deviceId } = actor;
    if (payload.opId !== undefined) {
      const first = await store.accountOpVersion(userId, payload.opId);
      if (first !== null) return { version: first };
    }
    spend(limits.account, deviceId, 'Too many changes to your account state; wait a moment.');
    const access = new Map<string, Promise<Access>>();
    // One at a time: a refusal stops at the first bad key, and no promise is left unobserved.
    for (const change of payload.changes)
      if (change.value !== null) await authorize(userId, change, access);
    const written = await store
      .writeAccountState(
        userId,
        payload.changes.map((c) => ({
          key: c.key,
          value: c.value === null ? null : JSON.stringify(c.value),
        })),
        {
          at: now(),
          maxEntries: ACCOUNT_ENTRIES_MAX,
          ...(payload.opId !== undefined ? { opId: payload.opId } : {}),
        },
      )
      .catch(refusalToError);
    if (written.entries.length === 0) return { version: written.version };
    const entries = written.entries.map(toWire);
    fanout.toUsers(
      [userId],
      'account:changed',
      { entries, version: written.version },
      ACCOUNT_STATE_PROTOCOL,
    );
    for (const entry of entries) {
      const chat = parseChatKey(entry.key);
      if (chat?.kind === 'mute' && deps.muteChanged !== undefined)
        await deps.muteChanged(userId, chat.conversationId, isMutedAt(entry.value, now()));
    }
    return { version: written.version };
  }

  return {
    set,

    /**
     * `conversation:settings { muted }` of apps from before mute-until: muting is
     * `mute:<conversationId>` = "always", unmuting removes the entry. Naturally idempotent (the
     * same value again changes nothing), so its opId is not needed.
     */
    async setMuted(actor: Actor, conversationId: string, muted: boolean): Promise<void> {
      // Unmuting needs the check too: the answer is the chat's summary.
      await readAccess(store, conversationId, actor.userId);
      await set(actor, {
        changes: [{ key: chatKey('mute', conversationId), value: muted ? MUTE_ALWAYS : null }],
      });
    },

    /** Changes after `since`, a page at a time (see AccountStateAnswer). */
    async state(userId: string, since = 0, limit = ACCOUNT_PAGE_MAX): Promise<AccountStateAnswer> {
      const page = await store.accountStateSince(userId, since, limit + 1);
      const more = page.entries.length > limit;
      const entries = (more ? page.entries.slice(0, limit) : page.entries).map(toWire);
      return { entries, version: more ? (entries.at(-1)?.version ?? since) : page.version, more };
    },
  };
}
