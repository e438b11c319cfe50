import type { PollView } from '../../../common/contract';

/** Option indexes you have chosen, in order. */
export const myChoice = (poll: PollView): number[] =>
  poll.options.flatMap((o, i) => (o.mine ? [i] : []));

/** Whether two choices (sorted option indexes) are the same. */
export const sameChoice = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((i, at) => b[at] === i);

/**
 * The poll as it will read once your `choice` is recorded: your marks moved and the counts with
 * them. Shown from the press on, so a second press made before the engine's new view arrives
 * builds on the first instead of undoing it.
 */
export function withChoice(poll: PollView, choice: readonly number[]): PollView {
  const before = myChoice(poll);
  if (sameChoice(before, choice)) return poll;
  const voterCount = poll.voterCount - (before.length > 0 ? 1 : 0) + (choice.length > 0 ? 1 : 0);
  const options = poll.options.map((o, i) => {
    const mine = choice.includes(i);
    return { ...o, mine, votes: o.votes - (o.mine ? 1 : 0) + (mine ? 1 : 0) };
  });
  return { ...poll, options, voterCount, pending: true };
}

/**
 * Your whole new choice after pressing option `index`, as WhatsApp does it: on a single-choice poll
 * it replaces your answer, or takes it back when it already was it; on a multiple-choice poll it
 * adds or removes that one option.
 */
export function choiceAfterPressing(poll: PollView, index: number): number[] {
  const chosen = myChoice(poll);
  const had = chosen.includes(index);
  if (!poll.multiple) return had ? [] : [index];
  return had ? chosen.filter((i) => i !== index) : [...chosen, index].sort((a, b) => a - b);
}

/** A bar's share of the people who voted (0 when nobody has), as a whole percentage. */
export const shareOf = (votes: number, voterCount: number): number =>
  voterCount === 0 ? 0 : Math.round((votes / voterCount) * 100);

/** Who chose an option, you first (named "You"), then the others in the order they voted. */
export function votersOf(
  option: PollView['options'][number],
  myUserId: string | null,
): { userId: string; name: string; me: boolean }[] {
  const people = option.voters.map((v) => ({ ...v, me: v.userId === myUserId }));
  return [
    ...people.filter((p) => p.me).map((p) => ({ ...p, name: 'You' })),
    ...people.filter((p) => !p.me),
  ];
}
