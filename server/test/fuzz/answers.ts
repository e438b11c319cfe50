/** What a well-formed answer to each fuzzed event looks like. */
import {
  ERROR_CODES,
  PAGE_LIMIT_MAX,
  PAGE_LIMIT_MIN,
  accountSetSchema,
  accountStateSchema,
  conversationDirectSchema,
  conversationListSchema,
  conversationMembersSchema,
  conversationSettingsSchema,
  eventsAfterSchema,
  eventsBeforeSchema,
  groupCreateSchema,
  groupLeaveSchema,
  groupUpdateSchema,
  invitationActionSchema,
  invitationListSchema,
  messageDeleteSchema,
  messageReactSchema,
  pollVoteSchema,
  messageEditSchema,
  messagePinSchema,
  messageSendSchema,
  playedListSchema,
  playedReceiptSchema,
  presenceWatchSchema,
  receiptSchema,
  requestActionSchema,
  typingSchema,
  inviteLinkCreateSchema,
  inviteLinkJoinSchema,
  inviteLinkListSchema,
  inviteLinkPreviewSchema,
  inviteLinkRevokeSchema,
  joinRequestAnswerSchema,
  joinRequestCancelSchema,
  joinRequestListSchema,
  type ConversationEvent,
} from '@chitchat/shared';
import type { z } from 'zod';
import type { FuzzEvent } from '../arbitraries';
import { containsBinary, isObject, wireForm, type Answer } from './wire';

/** The shared schema of every fuzzed event: what it refuses must be answered `invalid_payload`. */
export const SCHEMAS: Record<FuzzEvent, z.ZodType> = {
  'conversation:list': conversationListSchema,
  'conversation:members': conversationMembersSchema,
  'conversation:direct': conversationDirectSchema,
  'conversation:settings': conversationSettingsSchema,
  'presence:watch': presenceWatchSchema,
  'events:after': eventsAfterSchema,
  'events:before': eventsBeforeSchema,
  'receipt:delivered': receiptSchema,
  'receipt:read': receiptSchema,
  'message:send': messageSendSchema,
  'message:edit': messageEditSchema,
  'message:delete': messageDeleteSchema,
  'message:react': messageReactSchema,
  'poll:vote': pollVoteSchema,
  'message:pin': messagePinSchema,
  'receipt:played': playedReceiptSchema,
  'played:list': playedListSchema,
  'group:create': groupCreateSchema,
  'group:update': groupUpdateSchema,
  'group:leave': groupLeaveSchema,
  'request:accept': requestActionSchema,
  'request:delete': requestActionSchema,
  'invitation:list': invitationListSchema,
  'invitation:accept': invitationActionSchema,
  'invitation:decline': invitationActionSchema,
  'account:state': accountStateSchema,
  'account:set': accountSetSchema,
  typing: typingSchema,
  'invite-link:create': inviteLinkCreateSchema,
  'invite-link:list': inviteLinkListSchema,
  'invite-link:revoke': inviteLinkRevokeSchema,
  'invite-link:preview': inviteLinkPreviewSchema,
  'invite-link:join': inviteLinkJoinSchema,
  'join-request:list': joinRequestListSchema,
  'join-request:answer': joinRequestAnswerSchema,
  'join-request:cancel': joinRequestCancelSchema,
};

export const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** What is wrong with the answer to one request, or null. */
export function problemWith(event: FuzzEvent, payload: unknown, answer: Answer): string | null {
  if (!answer.answered) return `no ack (${answer.reason})`;
  const result = answer.answer;
  if (!isObject(result) || typeof result.ok !== 'boolean') return 'the ack is not a Result';
  const wire = containsBinary(payload) ? undefined : wireForm(payload);
  const schemaRefuses = wire !== undefined && !SCHEMAS[event].safeParse(wire).success;
  if (result.ok === false) {
    const error = result.error;
    if (!isObject(error)) return 'an error Result without error';
    if (!(ERROR_CODES as readonly unknown[]).includes(error.code))
      return `unknown error code ${JSON.stringify(error.code)}`;
    if (typeof error.message !== 'string' || error.message === '') return 'no error message';
    if (error.code === 'internal') return 'internal error: the server threw';
    if (schemaRefuses && error.code !== 'invalid_payload')
      return `the schema refuses this payload but the server answered ${String(error.code)}`;
    return null;
  }
  if (!('data' in result) || !isObject(result.data)) return 'an ok Result without data';
  if (schemaRefuses) return 'the schema refuses this payload but the server answered ok';
  const data = result.data;
  const p = isObject(wire) ? wire : {};
  switch (event) {
    case 'message:send':
      if (
        typeof data.id !== 'string' ||
        !isSeq(data.seq) ||
        data.seq < 1 ||
        typeof data.createdAt !== 'number'
      )
        return 'malformed send answer';
      break;
    case 'message:edit':
    case 'message:delete':
    case 'message:react':
    case 'poll:vote':
    case 'message:pin':
      // (Usually >= 2; an opId reused from another operation answers that operation's seq.)
      if (!isSeq(data.seq) || data.seq < 1) return 'malformed seq answer';
      break;
    case 'events:after': {
      if (!Array.isArray(data.events) || !isSeq(data.lastSeq))
        return 'malformed events:after answer';
      const seqs = (data.events as ConversationEvent[]).map((e) => e.seq);
      const limit = Math.min(PAGE_LIMIT_MAX, Math.max(PAGE_LIMIT_MIN, Number(p.limit)));
      if (seqs.length > limit)
        return `more events (${seqs.length}) than the clamped limit ${limit}`;
      if (
        seqs.some(
          (s, i) =>
            s <= Number(p.afterSeq) ||
            s > Number(data.lastSeq) ||
            (i > 0 && s <= (seqs[i - 1] as number)),
        )
      )
        return 'events:after events are not ascending within (afterSeq, lastSeq]';
      if ((data.events as ConversationEvent[]).some((e) => e.conversationId !== p.conversationId))
        return 'events of another conversation';
      break;
    }
    case 'events:before': {
      if (!Array.isArray(data.events)) return 'malformed events:before answer';
      const seqs = (data.events as ConversationEvent[]).map((e) => e.seq);
      const limit = Math.min(PAGE_LIMIT_MAX, Math.max(PAGE_LIMIT_MIN, Number(p.limit)));
      if (seqs.length > limit)
        return `more events (${seqs.length}) than the clamped limit ${limit}`;
      if (seqs.some((s, i) => s >= Number(p.beforeSeq) || (i > 0 && s >= (seqs[i - 1] as number))))
        return 'events:before events are not descending below beforeSeq';
      break;
    }
    case 'receipt:played':
      if (data.seq !== p.seq || typeof data.playedAt !== 'number')
        return 'malformed receipt:played answer';
      break;
    case 'played:list': {
      if (!Array.isArray(data.played)) return 'malformed played:list answer';
      const asked = new Set(Array.isArray(p.seqs) ? (p.seqs as unknown[]) : []);
      for (const mark of data.played as unknown[]) {
        if (
          !isObject(mark) ||
          mark.conversationId !== p.conversationId ||
          !asked.has(mark.seq) ||
          typeof mark.userId !== 'string' ||
          typeof mark.playedAt !== 'number'
        )
          return `a played mark that was not asked for: ${JSON.stringify(mark)}`;
      }
      break;
    }
    case 'receipt:delivered':
    case 'receipt:read':
      if (!isSeq(data.deliveredSeq) || !isSeq(data.readSeq) || data.readSeq > data.deliveredSeq)
        return 'malformed receipt answer';
      break;
    case 'conversation:list':
      if (
        !Array.isArray(data.conversations) ||
        !isSeq(data.cursor) ||
        typeof data.storeEpoch !== 'string'
      )
        return 'malformed conversation:list answer';
      break;
    case 'conversation:members':
      if (!Array.isArray(data.members) || !isSeq(data.membersVersion))
        return 'malformed members answer';
      break;
    case 'presence:watch':
      if (!Array.isArray(data.presence)) return 'malformed presence answer';
      break;
    case 'invitation:list':
      if (!Array.isArray(data.invitations)) return 'malformed invitation:list answer';
      break;
    case 'account:state':
      if (!Array.isArray(data.entries) || !isSeq(data.version) || typeof data.more !== 'boolean')
        return 'malformed account:state answer';
      if ((data.entries as { version: number }[]).some((e) => e.version > Number(data.version)))
        return 'account:state entries newer than its version';
      break;
    case 'account:set':
      if (!isSeq(data.version)) return 'malformed account:set answer';
      break;
    case 'conversation:direct':
    case 'conversation:settings':
    case 'group:create':
    case 'group:update':
    case 'request:accept':
    case 'request:delete':
    case 'invitation:accept':
      if (typeof data.id !== 'string' || (data.kind !== 'direct' && data.kind !== 'group'))
        return 'malformed summary';
      break;
    case 'invite-link:create':
      if (typeof data.code !== 'string' || typeof data.conversationId !== 'string')
        return 'malformed invite link';
      break;
    case 'invite-link:list':
      if (!Array.isArray(data.links)) return 'malformed invite-link:list answer';
      break;
    case 'join-request:list':
      if (!Array.isArray(data.requests)) return 'malformed join-request:list answer';
      break;
    case 'invite-link:preview':
      if (typeof data.conversationId !== 'string' || typeof data.memberCount !== 'number')
        return 'malformed invite link preview';
      break;
    case 'invite-link:join':
      if (data.status !== 'joined' && data.status !== 'pending')
        return 'malformed invite-link:join answer';
      break;
    case 'group:leave':
    case 'invitation:decline':
    case 'invite-link:revoke':
    case 'join-request:answer':
    case 'join-request:cancel':
    case 'typing':
      break;
  }
  return null;
}
