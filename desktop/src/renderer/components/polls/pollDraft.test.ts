import { describe, expect, it } from 'vitest';
import {
  POLL_OPTION_MAX_LENGTH,
  POLL_OPTIONS_MAX,
  POLL_QUESTION_MAX_LENGTH,
  pollSchema,
} from '@chitchat/shared';
import { optionFields, pollProblem, pollToSend } from './pollDraft';

const draft = (question: string, options: string[], multiple = false) => ({
  question,
  options,
  multiple,
});

describe('the option fields of "Create poll"', () => {
  it('starts with two fields, and a new empty one appears as the last is typed in', () => {
    expect(optionFields([])).toEqual(['', '']);
    expect(optionFields(['Tea', ''])).toEqual(['Tea', '']);
    expect(optionFields(['Tea', 'C'])).toEqual(['Tea', 'C', '']);
    expect(optionFields(['Tea', 'Coffee', 'W'])).toEqual(['Tea', 'Coffee', 'W', '']);
  });

  it('clearing the last option folds the spare fields back to one; a cleared middle one stays', () => {
    expect(optionFields(['Tea', 'Coffee', '', ''])).toEqual(['Tea', 'Coffee', '']);
    expect(optionFields(['Tea', '', 'Water', ''])).toEqual(['Tea', '', 'Water', '']);
    expect(optionFields(['', '', ''])).toEqual(['', '']);
  });

  it(`stops at ${POLL_OPTIONS_MAX} fields: no empty one after the last`, () => {
    const full = Array.from({ length: POLL_OPTIONS_MAX }, (_, i) => `Option ${i + 1}`);
    expect(optionFields(full)).toEqual(full);
    expect(optionFields([...full, 'one more'])).toEqual(full);
    const almost = full.slice(0, POLL_OPTIONS_MAX - 1);
    expect(optionFields(almost)).toEqual([...almost, '']);
  });
});

describe('why a poll cannot be sent yet', () => {
  it('asks for a question and two options, in words', () => {
    expect(pollProblem(draft('', ['Tea', 'Coffee']))).toBe('Ask a question.');
    expect(pollProblem(draft('   ', ['Tea', 'Coffee']))).toBe('Ask a question.');
    expect(pollProblem(draft('Drink?', ['Tea', '', '  ']))).toBe('Add at least 2 options.');
    expect(pollProblem(draft('Drink?', ['Tea', '', 'Coffee', '']))).toBeNull();
  });

  it('refuses the same option twice, once trimmed', () => {
    expect(pollProblem(draft('Drink?', ['Tea', 'Coffee', ' Tea ', '']))).toBe(
      '“Tea” is there twice: each option must be different.',
    );
  });

  it('names the length limits of shared/limits.ts', () => {
    expect(pollProblem(draft('q'.repeat(POLL_QUESTION_MAX_LENGTH + 1), ['a', 'b']))).toBe(
      `The question can be at most ${POLL_QUESTION_MAX_LENGTH} characters.`,
    );
    expect(pollProblem(draft('Q', ['a', 'b'.repeat(POLL_OPTION_MAX_LENGTH + 1)]))).toBe(
      `An option can be at most ${POLL_OPTION_MAX_LENGTH} characters.`,
    );
  });

  it('what it lets through, the shared schema (engine and server) takes as it is sent', () => {
    const cases = [
      draft('  Where shall we eat? ', [' Pizza', '', 'Sushi ', 'Tacos', ''], true),
      draft('מה נאכל?', ['פיצה', 'סושי', '']),
      draft('Q', ['a', 'b'.repeat(POLL_OPTION_MAX_LENGTH)]),
    ];
    for (const c of cases) {
      expect(pollProblem(c)).toBeNull();
      expect(pollSchema.safeParse(pollToSend(c)).success).toBe(true);
    }
    expect(pollToSend(cases[0] ?? draft('', []))).toEqual({
      question: 'Where shall we eat?',
      options: ['Pizza', 'Sushi', 'Tacos'],
      multiple: true,
    });
  });
});
