/**
 * fast-check arbitraries for fuzzing the Socket.io protocol: completely random values, payloads that
 * look right but are wrong somewhere (right keys with wrong types, out-of-range numbers, over-limit
 * strings, too many ids, bad id characters, unknown ids, extra keys) and valid ones.
 *
 * Ids of real users and conversations are read from `FuzzWorld` pools at generation time, so random
 * payloads regularly hit real conversations (and conversations created during the run).
 */
import fc from 'fast-check';
import {
  ATTACHMENTS_MAX,
  MENTIONS_MAX,
  GROUP_MEMBERS_MAX,
  PRESENCE_WATCH_MAX,
  SOCKET_MAX_PAYLOAD_BYTES,
  type ClientRequestName,
} from '@chitchat/shared';
import { basicFields } from './fuzz/fields-basic';
import { featureFields } from './fuzz/fields-features';
import { groupFields } from './fuzz/fields-groups';
import { badId, randomValue, required, optional, type Field } from './fuzz/values';

/** Every client -> server event: the requests of `ClientRequests` plus the `typing` signal. */
export const REQUEST_EVENTS = [
  'conversation:list',
  'conversation:members',
  'conversation:direct',
  'conversation:settings',
  'presence:watch',
  'events:after',
  'events:before',
  'receipt:delivered',
  'receipt:read',
  'message:send',
  'message:edit',
  'message:delete',
  'message:react',
  'message:pin',
  'poll:vote',
  'receipt:played',
  'played:list',
  'group:create',
  'group:update',
  'group:leave',
  'request:accept',
  'request:delete',
  'invitation:list',
  'invitation:accept',
  'invitation:decline',
  'account:state',
  'account:set',
  'invite-link:create',
  'invite-link:list',
  'invite-link:revoke',
  'invite-link:preview',
  'invite-link:join',
  'join-request:list',
  'join-request:answer',
  'join-request:cancel',
] as const satisfies readonly ClientRequestName[];

export type FuzzEvent = (typeof REQUEST_EVENTS)[number] | 'typing';
export const FUZZ_EVENTS: readonly FuzzEvent[] = [...REQUEST_EVENTS, 'typing'];

/** Live pools of real ids; they may grow while the run creates conversations. */
export interface FuzzWorld {
  userIds(): readonly string[];
  /** The conversations of the setup (hit most often). */
  conversationIds(): readonly string[];
  /** Conversations created by fuzzed requests. */
  createdConversationIds(): readonly string[];
}

// ---------- fields ----------

function fields(world: FuzzWorld): Record<FuzzEvent, Record<string, Field>> {
  const basic = basicFields(world);
  const {
    userId,
    idField,
    seq,
    badSeq,
    positiveSeq,
    limit,
    badLimit,
    clientId,
    text,
    badText,
    title,
    badTitle,
    userIds,
    tooManyIds,
    roles,
    badRoles,
    attachments,
    opId,
    linkPreview,
    badLinkPreview,
  } = basic;
  const {
    emoji,
    badEmoji,
    voice,
    badVoice,
    poll,
    badPoll,
    voteOptions,
    badVoteOptions,
    playedSeqs,
    badPlayedSeqs,
    accountChanges,
    badAccountChanges,
  } = featureFields(basic);
  const {
    avatar,
    badAvatar,
    description,
    badDescription,
    permissions,
    badPermissions,
    code,
    badCode,
    expiresInS,
    badExpiresInS,
  } = groupFields();
  const spec: Record<FuzzEvent, Record<string, Field>> = {
    'conversation:list': { since: optional(seq, badSeq) },
    'conversation:members': { conversationId: idField },
    'request:accept': { conversationId: idField, opId },
    'request:delete': { conversationId: idField, opId },
    'invitation:list': {},
    'invitation:accept': { conversationId: idField, opId },
    'invitation:decline': { conversationId: idField, opId },
    'conversation:direct': { userId: required(userId, badId) },
    'conversation:settings': {
      conversationId: idField,
      muted: required(fc.boolean(), fc.constantFrom(0, 1, 'true', null)),
      opId,
    },
    'presence:watch': { userIds: required(userIds, tooManyIds(PRESENCE_WATCH_MAX)) },
    'events:after': {
      conversationId: idField,
      afterSeq: required(seq, badSeq),
      limit: required(limit, badLimit),
    },
    'events:before': {
      conversationId: idField,
      beforeSeq: required(seq, badSeq),
      limit: required(limit, badLimit),
    },
    'receipt:delivered': { conversationId: idField, seq: required(seq, badSeq) },
    'receipt:read': { conversationId: idField, seq: required(seq, badSeq) },
    'message:send': {
      conversationId: idField,
      clientMsgId: required(clientId, badId),
      text: optional(text, badText),
      replyToSeq: optional(positiveSeq, fc.oneof(badSeq, fc.constant(0))),
      attachments: optional(attachments, tooManyIds(ATTACHMENTS_MAX)),
      forwarded: optional(fc.boolean(), fc.constantFrom(0, 1, 'yes', null)),
      linkPreview: optional(linkPreview, badLinkPreview),
      // Real members, strangers and unknown ids, repeats included; too many, bad ids, wrong types.
      mentions: optional(userIds, tooManyIds(MENTIONS_MAX)),
      voice: optional(voice, badVoice),
      poll: optional(poll, badPoll),
    },
    'message:edit': {
      conversationId: idField,
      seq: required(positiveSeq, fc.oneof(badSeq, fc.constant(0))),
      text: required(text, badText),
      opId,
    },
    'message:delete': {
      conversationId: idField,
      seq: required(positiveSeq, fc.oneof(badSeq, fc.constant(0))),
      opId,
    },
    'message:react': {
      conversationId: idField,
      opId: required(clientId, badId),
      targetSeq: required(positiveSeq, fc.oneof(badSeq, fc.constant(0))),
      emoji: required(emoji, badEmoji),
    },
    'message:pin': {
      conversationId: idField,
      opId: required(clientId, badId),
      targetSeq: required(positiveSeq, fc.oneof(badSeq, fc.constant(0))),
      pinned: required(fc.boolean(), fc.constantFrom(0, 1, 'true', null)),
    },
    'poll:vote': {
      conversationId: idField,
      opId: required(clientId, badId),
      targetSeq: required(positiveSeq, fc.oneof(badSeq, fc.constant(0))),
      options: required(voteOptions, badVoteOptions),
    },
    'receipt:played': {
      conversationId: idField,
      seq: required(positiveSeq, fc.oneof(badSeq, fc.constant(0))),
    },
    'played:list': { conversationId: idField, seqs: required(playedSeqs, badPlayedSeqs) },
    'group:create': {
      title: required(title, badTitle),
      memberIds: required(userIds, tooManyIds(GROUP_MEMBERS_MAX)),
      opId,
    },
    'group:update': {
      conversationId: idField,
      title: optional(title, badTitle),
      description: optional(description, badDescription),
      permissions: optional(permissions, badPermissions),
      avatar: optional(avatar, badAvatar),
      add: optional(userIds, tooManyIds(GROUP_MEMBERS_MAX)),
      remove: optional(userIds, tooManyIds(GROUP_MEMBERS_MAX)),
      roles: optional(roles, badRoles),
      opId,
    },
    'group:leave': { conversationId: idField, opId },
    'invite-link:create': {
      conversationId: idField,
      expiresInS: optional(expiresInS, badExpiresInS),
      opId,
    },
    'invite-link:list': { conversationId: idField },
    'invite-link:revoke': { conversationId: idField, code: required(code, badCode), opId },
    'invite-link:preview': { code: required(code, badCode) },
    'invite-link:join': { code: required(code, badCode), opId },
    'join-request:list': { conversationId: idField },
    'join-request:answer': {
      conversationId: idField,
      userId: required(userId, badId),
      accept: required(fc.boolean(), fc.constantFrom(0, 1, 'yes', null)),
      opId,
    },
    'join-request:cancel': { conversationId: idField, opId },
    'account:state': { since: optional(seq, badSeq), limit: optional(limit, badLimit) },
    'account:set': { changes: required(accountChanges, badAccountChanges), opId },
    typing: {
      conversationId: idField,
      typing: required(fc.boolean(), fc.constantFrom(0, 1, 'yes', null)),
    },
  };
  return spec;
}

// ---------- payloads ----------

export type PayloadKind = 'random' | 'plausible' | 'valid';
export interface FuzzPayload {
  kind: PayloadKind;
  payload: unknown;
}

/** Keys a client might add, and random ones. */
const extraKeys = fc.dictionary(
  fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom(
      '__proto__',
      'constructor',
      'toJSON',
      'ok',
      'userId',
      'senderUserId',
      'seq',
      'id',
      'role',
    ),
  ),
  fc.anything({ maxDepth: 2 }),
  { maxKeys: 4 },
);

/** Payload bytes as they would travel, roughly (binary counted by length). */
export function wireSize(value: unknown): number {
  const json = JSON.stringify([value], (_key, v: unknown) =>
    ArrayBuffer.isView(v) ? { binary: v.byteLength } : v,
  );
  return Buffer.byteLength(json ?? '');
}

type Mutation =
  | { op: 'set'; key: string; value: unknown }
  | { op: 'delete'; key: string }
  | { op: 'extra'; extra: Record<string, unknown> };

function mutate(payload: unknown, mutation: Mutation): unknown {
  const copy = { ...(payload as Record<string, unknown>) };
  if (mutation.op === 'set') copy[mutation.key] = mutation.value;
  else if (mutation.op === 'delete') delete copy[mutation.key];
  else return { ...copy, ...mutation.extra };
  return copy;
}

/**
 * A valid `message:send`: with text, or as a voice note one attachment without text (nor what
 * needs text: a link preview, mentions).
 */
function validSend(payload: unknown): unknown {
  const {
    text: _text,
    linkPreview: _preview,
    mentions: _mentions,
    attachments,
    ...rest
  } = payload as Record<string, unknown>;
  // A poll is a question and its options: no attachments, link preview or recording.
  if (rest.poll !== undefined) {
    const { voice: _voice, ...poll } = rest;
    return { text: 'a poll', ...poll };
  }
  if (rest.voice === undefined) return { text: 'hello', ...(payload as object) };
  const recording: unknown = Array.isArray(attachments) ? attachments[0] : undefined;
  return { ...rest, attachments: [recording ?? 'voice-recording'] };
}

/** For each event: completely random values, plausible-but-wrong payloads and valid ones. */
export function payloadArbitraries(world: FuzzWorld): {
  /** Random, plausible-but-wrong and valid payloads, mixed. */
  any: Record<FuzzEvent, fc.Arbitrary<FuzzPayload>>;
  /** Payloads the shared schema accepts. */
  valid: Record<FuzzEvent, fc.Arbitrary<unknown>>;
} {
  const spec = fields(world);
  const out = {} as Record<FuzzEvent, fc.Arbitrary<FuzzPayload>>;
  const validOut = {} as Record<FuzzEvent, fc.Arbitrary<unknown>>;
  for (const event of FUZZ_EVENTS) {
    const shape = spec[event];
    const keys = Object.keys(shape);
    const validModel: Record<string, fc.Arbitrary<unknown>> = {};
    const plausibleModel: Record<string, fc.Arbitrary<unknown>> = {};
    for (const key of keys) {
      const field = shape[key] as Field;
      validModel[key] = field.valid;
      plausibleModel[key] = fc.oneof(
        { weight: 2, arbitrary: field.valid },
        { weight: 2, arbitrary: field.invalid },
      );
    }
    const requiredKeys = keys.filter((k) => (shape[k] as Field).required);
    let valid: fc.Arbitrary<unknown> = fc.record(validModel, { requiredKeys });
    // A message needs text or attachments: the valid ones carry text.
    // A voice note is instead one recording without text or link preview.
    if (event === 'message:send') valid = valid.map(validSend);
    // Plausible but wrong, two ways: every field a coin flip between valid and wrong...
    const mixed = fc
      .tuple(
        fc.record(plausibleModel, { requiredKeys: [] }),
        fc.option(extraKeys, { freq: 3 }),
        fc.boolean(),
      )
      .map(([record, extra, extraFirst]) =>
        extra === null ? record : extraFirst ? { ...extra, ...record } : { ...record, ...extra },
      );
    // ...or a valid payload with one or two things wrong (reaches deeper into the handlers).
    const extraMutation = {
      weight: 2,
      arbitrary: extraKeys.map((extra): Mutation => ({ op: 'extra', extra })),
    };
    // A payload without fields (`invitation:list`) can only be wrong by extra keys.
    const mutation: fc.Arbitrary<Mutation> =
      keys.length === 0
        ? extraMutation.arbitrary
        : fc.oneof(
            {
              weight: 4,
              arbitrary: fc.constantFrom(...keys).chain((key) =>
                (shape[key] as Field).invalid.map((value): Mutation => ({
                  op: 'set',
                  key,
                  value,
                })),
              ),
            },
            {
              weight: 1,
              arbitrary: fc.constantFrom(...keys).map((key): Mutation => ({ op: 'delete', key })),
            },
            extraMutation,
          );
    validOut[event] = valid;
    const mutated = fc
      .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 2 }))
      .map(([payload, mutations]) => mutations.reduce(mutate, payload));
    out[event] = fc
      .oneof(
        {
          weight: 3,
          arbitrary: randomValue.map((payload) => ({ kind: 'random' as const, payload })),
        },
        { weight: 2, arbitrary: mixed.map((payload) => ({ kind: 'plausible' as const, payload })) },
        {
          weight: 4,
          arbitrary: mutated.map((payload) => ({ kind: 'plausible' as const, payload })),
        },
        { weight: 3, arbitrary: valid.map((payload) => ({ kind: 'valid' as const, payload })) },
      )
      // Oversized packets are a separate case (the server drops the connection).
      .filter((p) => wireSize(p.payload) < SOCKET_MAX_PAYLOAD_BYTES / 2);
  }
  return { any: out, valid: validOut };
}
