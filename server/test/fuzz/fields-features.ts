/**
 * The fuzz test's fields of this wave's features: reaction emoji, voice notes, polls and votes,
 * played marks and account-state changes, each with the ways a client can get it wrong.
 */
import fc from 'fast-check';
import {
  DRAFT_MAX_LENGTH,
  ID_MAX_LENGTH,
  PLAYED_LIST_MAX,
  POLL_OPTIONS_MAX,
  POLL_OPTION_MAX_LENGTH,
  POLL_QUESTION_MAX_LENGTH,
  VOICE_DURATION_MAX_MS,
  VOICE_WAVEFORM_MAX,
  REACTION_EMOJI_MAX_LENGTH,
} from '@chitchat/shared';
import type { BasicFields } from './fields-basic';
import { wrongType } from './values';

/** Valid and invalid arbitraries for the referencing events, message extras and account state. */
export function featureFields({ conversationId, badSeq, positiveSeq }: BasicFields) {
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
        .tuple(
          fc.constantFrom('pin', 'archive', 'unread', 'mute', 'draft', 'deletedchat'),
          conversationId,
        )
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
        'mute:c:1',
        'draft:',
        'draft:c:1',
        'deletedchat:',
        'deletedchat:c:1',
      ),
    },
  );
  const accountChange = fc.record({
    key: fc.oneof({ weight: 8, arbitrary: accountKeyArb }, { weight: 1, arbitrary: wrongType }),
    value: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(true, null) },
      // A pin's value: when it was pinned.
      { weight: 2, arbitrary: fc.constantFrom(1_700_000_000_000, 1) },
      // Mute-until (a time, "always") and drafts (text), with near misses of each.
      {
        weight: 2,
        arbitrary: fc.oneof(
          fc.constantFrom('always', '2030-01-01T00:00:00.000Z', '2001-01-01T00:00:00.000Z'),
          fc.string({ minLength: 1, maxLength: 40 }),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'Always',
          '2030-01-01',
          '2030-02-30T25:00:00.000Z',
          '',
          'x'.repeat(DRAFT_MAX_LENGTH + 1),
        ),
      },
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
  return {
    emoji,
    badEmoji,
    peak,
    voice,
    badVoice,
    pollText,
    poll,
    badPoll,
    voteOptions,
    badVoteOptions,
    playedSeqs,
    badPlayedSeqs,
    accountKeyArb,
    accountChange,
    accountChanges,
    badAccountChanges,
  };
}
