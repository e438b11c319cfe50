import {
  POLL_OPTION_MAX_LENGTH,
  POLL_OPTIONS_MAX,
  POLL_OPTIONS_MIN,
  POLL_QUESTION_MAX_LENGTH,
} from '@chitchat/shared';
import type { PollDraft } from '../../../common/contract';

/**
 * The option fields of the "Poll" dialog as WhatsApp keeps them: at least POLL_OPTIONS_MIN fields,
 * and one empty field after the last filled one (until POLL_OPTIONS_MAX), so typing in the last
 * field makes the next one appear. Empty fields in the middle stay where the person cleared them
 * (removing a field under the caret would steal the focus); sending skips them.
 */
export function optionFields(fields: string[]): string[] {
  const next = fields.slice(0, POLL_OPTIONS_MAX);
  // Trailing empty fields collapse to one.
  while (next.length > POLL_OPTIONS_MIN && next.at(-1) === '' && next.at(-2) === '') next.pop();
  if (next.length < POLL_OPTIONS_MAX && next.at(-1) !== '') next.push('');
  while (next.length < POLL_OPTIONS_MIN) next.push('');
  return next;
}

/** The filled options, trimmed, in their order. */
export const filledOptions = (fields: string[]): string[] =>
  fields.map((o) => o.trim()).filter((o) => o !== '');

/**
 * Why the poll cannot be sent yet, in words for the person (null: it can). The same rules as the
 * shared `pollSchema` the engine and the server check, so a poll the dialog sends is never refused.
 */
export function pollProblem(draft: PollDraft): string | null {
  const question = draft.question.trim();
  if (question === '') return 'Ask a question.';
  if (question.length > POLL_QUESTION_MAX_LENGTH)
    return `The question can be at most ${POLL_QUESTION_MAX_LENGTH} characters.`;
  const options = filledOptions(draft.options);
  if (options.length < POLL_OPTIONS_MIN) return `Add at least ${POLL_OPTIONS_MIN} options.`;
  if (options.length > POLL_OPTIONS_MAX) return `A poll has at most ${POLL_OPTIONS_MAX} options.`;
  const long = options.find((o) => o.length > POLL_OPTION_MAX_LENGTH);
  if (long !== undefined) return `An option can be at most ${POLL_OPTION_MAX_LENGTH} characters.`;
  const twice = options.find((o, i) => options.indexOf(o) !== i);
  if (twice !== undefined) return `“${twice}” is there twice: each option must be different.`;
  return null;
}

/** The draft as `sendPoll` takes it: trimmed, empty fields left out. */
export const pollToSend = (draft: PollDraft): PollDraft => ({
  question: draft.question.trim(),
  options: filledOptions(draft.options),
  multiple: draft.multiple,
});
