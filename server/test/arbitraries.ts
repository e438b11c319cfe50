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
  GROUP_TITLE_MAX_LENGTH,
  ID_MAX_LENGTH,
  LINK_PREVIEW_TITLE_MAX_LENGTH,
  LINK_PREVIEW_URL_MAX_LENGTH,
  MESSAGE_TEXT_MAX_LENGTH,
  PAGE_LIMIT_MAX,
  PLAYED_LIST_MAX,
  POLL_OPTIONS_MAX,
  POLL_OPTION_MAX_LENGTH,
  POLL_QUESTION_MAX_LENGTH,
  VOICE_DURATION_MAX_MS,
  VOICE_WAVEFORM_MAX,
  REACTION_EMOJI_MAX_LENGTH,
  PRESENCE_WATCH_MAX,
  SOCKET_MAX_PAYLOAD_BYTES,
  hasUnsafeNameCharacter,
  type ClientRequestName,
} from '@chitchat/shared';

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

// ---------- building blocks ----------

const ID_CHARS = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  '-',
  '_',
] as const;

/** Picks from a pool that is read when the value is generated (the pool may grow). */
function fromPool(pool: () => readonly string[]): fc.Arbitrary<string> {
  return fc.nat().map((i) => {
    const values = pool();
    return values.length === 0 ? 'no-such-id' : (values[i % values.length] as string);
  });
}

/** A well-formed id nobody minted (also names that trip naive object lookups). */
export const unknownId: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 1, maxLength: ID_MAX_LENGTH }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'null',
    'undefined',
    '0',
    '-',
    '_',
    'x'.repeat(ID_MAX_LENGTH),
  ),
);

/** Strings that are not ids: empty, too long, forbidden characters, injection attempts. */
export const badId: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    'a'.repeat(ID_MAX_LENGTH + 1),
    'a b',
    ' a',
    'a\n',
    'ä',
    '😀',
    '\ud800',
    'a\u0000b',
    '../../etc/passwd',
    "x'; DROP TABLE events; --",
    'x" OR 1=1 --',
    '%',
    'a.b',
    'a/b',
    'a:b',
    '*',
    '$where',
    'user:',
    'presence:x',
  ),
  fc
    .string({ unit: 'binary', minLength: 1, maxLength: ID_MAX_LENGTH + 16 })
    .filter((s) => !/^[A-Za-z0-9_-]+$/.test(s) || s.length > ID_MAX_LENGTH),
);

/** Numbers a JavaScript server tends to get wrong. */
export const weirdNumber: fc.Arbitrary<number> = fc.constantFrom(
  Number.NaN,
  -0,
  0,
  -1,
  0.5,
  -0.5,
  1.000_000_1,
  1e308,
  -1e308,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  Number.MAX_SAFE_INTEGER + 2,
  Number.MIN_SAFE_INTEGER,
  2 ** 31,
  2 ** 31 - 1,
  2 ** 32,
  2 ** 63,
  2 ** 64,
  1e-300,
  Number.EPSILON,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
);

const anyNumber: fc.Arbitrary<number> = fc.oneof(
  weirdNumber,
  fc.double(),
  fc.integer(),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
);

/** Long strings, kept well below the socket's packet limit (one packet may hold several). */
export const hugeString: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 8_000, max: 40_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 2_000, max: 12_000 }).map((n) => 'é€😀'.repeat(n)),
  fc.constant(' '.repeat(30_000)),
);

/** Deep nesting of arrays and objects (up to a thousand levels; deeper in the raw-frame test). */
export const deepNesting: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 50, max: 1_000 }), fc.boolean(), fc.anything({ maxDepth: 0 }))
  .map(([depth, arrays, leaf]) => {
    let value: unknown = leaf;
    for (let i = 0; i < depth; i++) value = arrays || i % 2 ? [value] : { conversationId: value };
    return value;
  });

/** Any wire-encodable value: functions-free JSON and friends, binary, huge, deep. */
export const randomValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.anything({
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withDate: true,
      withSparseArray: true,
      withObjectString: true,
      withNullPrototype: true,
      withTypedArray: true,
      withUnicodeString: true,
    }),
  },
  { weight: 2, arbitrary: fc.constantFrom(undefined, null, true, false, 0, '', [], {}) },
  { weight: 2, arbitrary: anyNumber },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.array(fc.anything(), { minLength: 100, maxLength: 2_000 }) },
);

/** A value of the wrong type for any field. */
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, '', [], {}, '1', '0', 'true'),
  anyNumber,
  fc.string({ maxLength: 20 }),
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
  fc.uint8Array({ maxLength: 8 }),
  deepNesting,
);

type Field = { valid: fc.Arbitrary<unknown>; invalid: fc.Arbitrary<unknown>; required: boolean };

const required = (valid: fc.Arbitrary<unknown>, invalid: fc.Arbitrary<unknown>): Field => ({
  valid,
  invalid: fc.oneof(invalid, wrongType),
  required: true,
});
const optional = (valid: fc.Arbitrary<unknown>, invalid: fc.Arbitrary<unknown>): Field => ({
  ...required(valid, invalid),
  required: false,
});

// ---------- fields ----------

function fields(world: FuzzWorld) {
  const realUser = fromPool(world.userIds);
  const userId = fc.oneof({ weight: 4, arbitrary: realUser }, { weight: 1, arbitrary: unknownId });
  const conversationId = fc.oneof(
    { weight: 6, arbitrary: fromPool(world.conversationIds) },
    { weight: 2, arbitrary: fromPool(world.createdConversationIds) },
    { weight: 1, arbitrary: unknownId },
  );
  const idField = required(conversationId, badId);

  const seq = fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 25 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }) },
    { weight: 1, arbitrary: fc.constantFrom(Number.MAX_SAFE_INTEGER, 1_000_000, 2 ** 31, -0) },
  );
  const badSeq = fc.oneof(
    fc.constantFrom(-1, -0.5, 0.5, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1, 1e308, -1e308),
    fc.constantFrom(Number.POSITIVE_INFINITY, Number.MIN_SAFE_INTEGER, '3', '1e3', null),
    fc.integer({ max: -1 }),
    fc.double({ noInteger: true }),
  );
  const positiveSeq = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 12 }) },
    { weight: 1, arbitrary: seq.map((n) => Math.max(1, n)) },
  );
  const limit = fc.oneof(
    fc.integer({ min: 1, max: PAGE_LIMIT_MAX }),
    // Out of range on purpose: the protocol clamps these instead of refusing them.
    fc.constantFrom(0, -1, -0, PAGE_LIMIT_MAX + 1, 100_000, Number.MAX_SAFE_INTEGER),
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  );
  const badLimit = fc.constantFrom(
    0.5,
    Number.NaN,
    1e308,
    -1e308,
    '10',
    null,
    Number.MAX_SAFE_INTEGER + 2,
  );

  const clientId = fc.oneof(
    { weight: 5, arbitrary: unknownId },
    // Repeats on purpose: retries of the same clientMsgId / opId must return the first answer.
    { weight: 1, arbitrary: fc.constantFrom('dup-1', 'dup-2', 'dup-3') },
  );

  const text = fc
    .oneof(
      { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 60 }) },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }) },
      // Lone surrogates, NUL and control characters.
      { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'x'.repeat(MESSAGE_TEXT_MAX_LENGTH),
          ` ${'y'.repeat(MESSAGE_TEXT_MAX_LENGTH - 2)} `,
          '\u0000',
          '\u200b',
          'a\u0000b',
          '\ud83d',
          '<script>alert(1)</script>',
          // Lone surrogates up to the limit (UTF-16 code units are what the limit counts).
          '\ud800'.repeat(MESSAGE_TEXT_MAX_LENGTH),
          'x\udc00y',
        ),
      },
    )
    .filter((s) => s.trim() !== '');
  const badText = fc.oneof(
    fc.constantFrom(
      '',
      ' ',
      '\n\t ',
      'x'.repeat(MESSAGE_TEXT_MAX_LENGTH + 1),
      ' '.repeat(MESSAGE_TEXT_MAX_LENGTH + 1),
    ),
    hugeString,
  );

  const title = fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 30 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
      fc.constantFrom(
        't'.repeat(GROUP_TITLE_MAX_LENGTH),
        '\ud800'.repeat(GROUP_TITLE_MAX_LENGTH),
        `${' '.repeat(GROUP_TITLE_MAX_LENGTH)}${'t'.repeat(GROUP_TITLE_MAX_LENGTH)}`,
        'Team',
        '😀',
        // ZWNJ and ZWJ pass the name rule: Persian words and emoji sequences need them.
        'می\u200Cخواهم',
        '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}',
      ),
    )
    .filter(
      (s) =>
        !hasUnsafeNameCharacter(s) &&
        s.trim() !== '' &&
        s.length <= GROUP_TITLE_MAX_LENGTH * 2 &&
        s.trim().length <= GROUP_TITLE_MAX_LENGTH,
    );
  const badTitle = fc.constantFrom(
    '',
    '   ',
    't'.repeat(GROUP_TITLE_MAX_LENGTH + 1),
    ' '.repeat(GROUP_TITLE_MAX_LENGTH * 2 + 1),
    `${' '.repeat(GROUP_TITLE_MAX_LENGTH)}${'t'.repeat(GROUP_TITLE_MAX_LENGTH + 1)}`,
    // The name rule of DESIGN §3: controls, direction overrides and isolates, invisible characters.
    'a\u0000b',
    'Alice \u202Etnemyap',
    '\u2066Team\u2069',
    'Te\u200Bam',
    'Te\u2060am',
    '\uFEFFTeam',
    'Team\u009B',
  );

  const userIds = fc.array(userId, { maxLength: 6 });
  const tooManyIds = (max: number) =>
    fc.oneof(
      fc.constant(Array.from({ length: max + 1 }, (_, i) => `id-${i}`)),
      fc.array(badId, { minLength: 1, maxLength: 3 }),
      fc.array(wrongType, { minLength: 1, maxLength: 3 }),
      fc.constant('not-an-array'),
    );
  const roles = fc.array(fc.record({ userId, role: fc.constantFrom('admin', 'member') }), {
    maxLength: 4,
  });
  const badRoles = fc.oneof(
    fc.array(fc.record({ userId, role: fc.constantFrom('owner', 'root', '', 'ADMIN') }), {
      minLength: 1,
      maxLength: 2,
    }),
    fc.array(fc.record({ userId: badId, role: fc.constant('admin') }), {
      minLength: 1,
      maxLength: 2,
    }),
    fc.array(fc.record({ role: fc.constant('admin') }), { minLength: 1, maxLength: 2 }),
    tooManyIds(GROUP_MEMBERS_MAX).map((ids) =>
      Array.isArray(ids) ? ids.map((id: unknown) => ({ userId: id, role: 'member' })) : ids,
    ),
  );
  const attachments = fc.array(unknownId, { minLength: 1, maxLength: ATTACHMENTS_MAX });
  const opId = optional(clientId, badId);
  // Link previews (made by the sender's device): a well-formed one, and ways to get one wrong.
  const linkPreview = fc.record(
    {
      url: fc.constantFrom('https://example.com/', 'http://example.org/a?b=c#d'),
      title: fc.string({ minLength: 1, maxLength: 40 }).filter((t) => t.trim() !== ''),
      description: fc.string({ maxLength: 80 }),
    },
    { requiredKeys: ['url', 'title'] },
  );
  const badLinkPreview = fc.oneof(
    wrongType,
    fc.record({
      url: fc.constantFrom(
        'javascript:alert(1)',
        'file:///etc/passwd',
        'data:text/html,x',
        'not a url',
        '',
        `https://example.com/${'a'.repeat(LINK_PREVIEW_URL_MAX_LENGTH)}`,
      ),
      title: fc.constant('t'),
    }),
    fc.record({
      url: fc.constant('https://example.com/'),
      title: fc.oneof(
        fc.constantFrom('', '   ', 'x'.repeat(LINK_PREVIEW_TITLE_MAX_LENGTH + 1), '\uD800'),
        wrongType,
      ),
    }),
    fc.record({
      url: fc.constant('https://example.com/'),
      title: fc.constant('t'),
      imageId: badId,
    }),
  );

  // Reactions: the quick six, removals, a text-style heart (taken as ❤️), composed emoji.
  const emoji = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('👍', '❤️', '😂', '😮', '😢', '🙏') },
    { weight: 2, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom('\u2764', '👍🏽', '🇫🇷', '1️⃣', '👩‍👩‍👧‍👦') },
  );
  const badEmoji = fc.oneof(
    wrongType,
    fc.constantFrom(
      '',
      ' ',
      'a',
      'ok',
      '1',
      '👍👍',
      '👍 ',
      '\u200d',
      '\ud83d',
      '\ufe0f',
      '👍'.repeat(REACTION_EMOJI_MAX_LENGTH),
    ),
    fc.string({ minLength: 2, maxLength: 8 }),
  );

  // Voice notes: the description the sender's device measured, and ways to get one wrong.
  const peak = fc.integer({ min: 0, max: 255 });
  const voice = fc.record({
    durationMs: fc.integer({ min: 1, max: VOICE_DURATION_MAX_MS }),
    waveform: fc.array(peak, { minLength: 1, maxLength: 64 }),
  });
  const badVoice = fc.oneof(
    wrongType,
    fc.record({ durationMs: fc.constantFrom(0, -1, 1.5, VOICE_DURATION_MAX_MS + 1, '5', null) }),
    fc.record({
      durationMs: fc.constant(1_000),
      waveform: fc.oneof(
        fc.constantFrom([], [256], [-1], [1.5], ['1'], new Array(VOICE_WAVEFORM_MAX + 1).fill(1)),
        wrongType,
      ),
    }),
  );
  // Polls: 2..12 distinct options, single or multiple choice; and what the schema must refuse.
  const pollText = (max: number) =>
    fc.string({ minLength: 1, maxLength: Math.min(max, 40) }).filter((t) => t.trim() !== '');
  const poll = fc.record({
    question: pollText(POLL_QUESTION_MAX_LENGTH),
    options: fc.uniqueArray(pollText(POLL_OPTION_MAX_LENGTH), {
      minLength: 2,
      maxLength: POLL_OPTIONS_MAX,
      selector: (t) => t.trim(),
    }),
    multiple: fc.boolean(),
  });
  const badPoll = fc.oneof(
    wrongType,
    fc.record({
      question: fc.constant('Lunch?'),
      options: fc.constantFrom(
        [],
        ['only one'],
        ['a', 'a '],
        [' ', 'b'],
        ['x'.repeat(POLL_OPTION_MAX_LENGTH + 1), 'b'],
        Array.from({ length: POLL_OPTIONS_MAX + 1 }, (_, i) => `option ${i}`),
      ),
      multiple: fc.boolean(),
    }),
    fc.record({
      question: fc.constantFrom('', '   ', 'q'.repeat(POLL_QUESTION_MAX_LENGTH + 1)),
      options: fc.constant(['a', 'b']),
      multiple: fc.boolean(),
    }),
    fc.record({
      question: fc.constant('Lunch?'),
      options: fc.constant(['a', 'b']),
      multiple: fc.constantFrom(0, 'yes', null),
    }),
  );
  // A vote: distinct option indexes (in range or not for the poll it meets); [] withdraws.
  const voteOptions = fc.uniqueArray(fc.integer({ min: 0, max: POLL_OPTIONS_MAX - 1 }), {
    maxLength: 3,
  });
  const badVoteOptions = fc.oneof(
    wrongType,
    fc.constantFrom([-1], [POLL_OPTIONS_MAX], [1.5], ['0'], [0, 0], [null]),
    fc.constant(Array.from({ length: POLL_OPTIONS_MAX + 1 }, (_, i) => i)),
  );
  const playedSeqs = fc.array(positiveSeq, { minLength: 1, maxLength: 6 });
  const badPlayedSeqs = fc.oneof(
    fc.constant([]),
    fc.constant(Array.from({ length: PLAYED_LIST_MAX + 1 }, (_, i) => i + 1)),
    fc.array(fc.oneof(badSeq, fc.constant(0)), { minLength: 1, maxLength: 2 }),
    wrongType,
  );

  // Account-state keys: mostly real conversations and small seqs (so stars land), some malformed.
  const accountKeyArb = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.constantFrom('star', 'deleted'), conversationId, positiveSeq)
        .map(([kind, c, s]) => `${kind}:${c}:${s}`),
    },
    // Chat kinds (pinned, archived, marked unread): `<kind>:<conversationId>`.
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom('pin', 'archive', 'unread'), conversationId)
        .map(([kind, c]) => `${kind}:${c}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'star',
        'star::1',
        'star:c:0',
        'star:c:-1',
        'pin:c:1',
        'STAR:c:1',
        'star:c:1:2',
        'star:c d:1',
        `star:${'c'.repeat(ID_MAX_LENGTH + 1)}:1`,
        'star:c:99999999999999999',
        '__proto__',
        'pin:',
        'archive:c:',
        'unread:c d',
        'mute:c',
      ),
    },
  );
  const accountChange = fc.record({
    key: fc.oneof({ weight: 8, arbitrary: accountKeyArb }, { weight: 1, arbitrary: wrongType }),
    value: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(true, null) },
      // A pin's value: when it was pinned.
      { weight: 2, arbitrary: fc.constantFrom(1_700_000_000_000, 1) },
      {
        weight: 1,
        arbitrary: fc.oneof(wrongType, fc.constantFrom(false, 'true', 0, -1, 1.5, {})),
      },
    ),
  });
  const accountChanges = fc.array(accountChange, { minLength: 1, maxLength: 4 });
  const badAccountChanges = fc.oneof(
    fc.constant([]),
    fc.constant(Array.from({ length: 101 }, (_, i) => ({ key: `star:c:${i + 1}`, value: true }))),
    fc.constant([
      { key: 'star:c:1', value: true },
      { key: 'star:c:1', value: null },
    ]),
    fc.array(wrongType, { minLength: 1, maxLength: 2 }),
  );

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
      add: optional(userIds, tooManyIds(GROUP_MEMBERS_MAX)),
      remove: optional(userIds, tooManyIds(GROUP_MEMBERS_MAX)),
      roles: optional(roles, badRoles),
      opId,
    },
    'group:leave': { conversationId: idField, opId },
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
