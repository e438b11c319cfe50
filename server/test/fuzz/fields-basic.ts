/**
 * The fuzz test's common payload fields: ids drawn from the live pools, seqs, page limits, client
 * ids, message text, group titles, member lists and roles, attachments and link previews.
 */
import fc from 'fast-check';
import {
  ATTACHMENTS_MAX,
  GROUP_MEMBERS_MAX,
  GROUP_TITLE_MAX_LENGTH,
  LINK_PREVIEW_TITLE_MAX_LENGTH,
  LINK_PREVIEW_URL_MAX_LENGTH,
  MESSAGE_TEXT_MAX_LENGTH,
  PAGE_LIMIT_MAX,
  hasUnsafeNameCharacter,
} from '@chitchat/shared';
import type { FuzzWorld } from '../arbitraries';
import { fromPool, unknownId, badId, hugeString, wrongType, required, optional } from './values';

/** Valid and invalid arbitraries for the fields most events share. */
export function basicFields(world: FuzzWorld) {
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
  return {
    realUser,
    userId,
    conversationId,
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
  };
}

export type BasicFields = ReturnType<typeof basicFields>;
