import { describe, expect, it } from 'vitest';
import type { PollView } from '../../../common/contract';
import { choiceAfterPressing, shareOf, votersOf, withChoice } from './pollChoice';

/** A poll whose options you have chosen as `mine` says (indexes). */
const poll = (multiple: boolean, mine: number[]): PollView => ({
  question: 'Lunch?',
  multiple,
  voterCount: 1,
  pending: false,
  options: ['Pizza', 'Sushi', 'Tacos'].map((text, i) => ({
    text,
    votes: mine.includes(i) ? 1 : 0,
    mine: mine.includes(i),
    voters: [],
  })),
});

describe('pressing an option of a poll', () => {
  it('single choice: chooses it, moves the answer, and pressing it again takes it back', () => {
    expect(choiceAfterPressing(poll(false, []), 1)).toEqual([1]);
    expect(choiceAfterPressing(poll(false, [1]), 2)).toEqual([2]);
    expect(choiceAfterPressing(poll(false, [1]), 1)).toEqual([]);
  });

  it('multiple choice: adds or removes that one option, keeping the others', () => {
    expect(choiceAfterPressing(poll(true, []), 2)).toEqual([2]);
    expect(choiceAfterPressing(poll(true, [2]), 0)).toEqual([0, 2]);
    expect(choiceAfterPressing(poll(true, [0, 2]), 2)).toEqual([0]);
    expect(choiceAfterPressing(poll(true, [0]), 0)).toEqual([]);
  });
});

describe('results', () => {
  it("a bar is the option's share of the people who voted", () => {
    expect(shareOf(0, 0)).toBe(0);
    expect(shareOf(1, 3)).toBe(33);
    expect(shareOf(3, 3)).toBe(100);
  });

  it('"View votes" lists you first, as "You", then the others in voting order', () => {
    const option = {
      text: 'Pizza',
      votes: 3,
      mine: true,
      voters: [
        { userId: 'u-bob', name: 'Bob' },
        { userId: 'u-me', name: 'Ana Lima' },
        { userId: 'u-cy', name: 'Cy' },
      ],
    };
    expect(votersOf(option, 'u-me').map((v) => v.name)).toEqual(['You', 'Bob', 'Cy']);
    expect(votersOf(option, null).map((v) => v.name)).toEqual(['Bob', 'Ana Lima', 'Cy']);
  });
});

describe('a press before the engine has shown the previous one', () => {
  it('shows your new choice at once, counts included, so the next press builds on it', () => {
    const before = poll(true, []);
    const first = withChoice(before, choiceAfterPressing(before, 0));
    expect(first.options.map((o) => `${o.votes}${o.mine ? '*' : ''}`)).toEqual(['1*', '0', '0']);
    expect(first.voterCount).toBe(2);
    // The second press reads the first one's result, not the engine's older view.
    expect(choiceAfterPressing(first, 2)).toEqual([0, 2]);
    const taken = withChoice(poll(false, [1]), []);
    expect(taken.options.map((o) => `${o.votes}${o.mine ? '*' : ''}`)).toEqual(['0', '0', '0']);
    expect(taken.voterCount).toBe(0);
    expect(withChoice(before, [])).toBe(before);
  });
});
