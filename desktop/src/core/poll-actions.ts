import { pollSchema, timeOrderedId, type Poll } from '@chitchat/shared';
import type { MessageView, PollDraft } from '../common/contract';
import { ChatClientError } from './client-errors';
import type { ClientContext } from './client-parts';
import type { SendPayload } from './local-store/index';

/**
 * What apps without polls show instead (protocol 1 gets the message without its poll): the
 * question and one line per option. Made here, on the sender's device (DESIGN §10).
 */
export const pollFallbackText = (poll: Poll): string =>
  [`📊 ${poll.question}`, ...poll.options.map((option) => `• ${option}`)].join('\n');

/** A draft as `message:send` takes it: trimmed, then checked by the shared schema. */
function pollOf(draft: PollDraft): Poll {
  const poll = {
    question: draft.question.trim(),
    options: draft.options.map((o) => o.trim()).filter((o) => o !== ''),
    multiple: draft.multiple,
  };
  const parsed = pollSchema.safeParse(poll);
  if (!parsed.success) {
    throw new ChatClientError(
      'invalid_payload',
      parsed.error.issues[0]?.message ?? 'This poll cannot be sent.',
    );
  }
  return parsed.data;
}

/** Puts a poll in the outbox (it is a message) and starts sending. */
export function sendPoll(
  context: ClientContext,
  input: { conversationId: string; poll: PollDraft },
): MessageView {
  const { store, engine, views } = context;
  const row = store.conversation(input.conversationId);
  if (row === null) throw new ChatClientError('not_found', 'No such conversation.');
  if (row.status === 'left') {
    throw new ChatClientError('forbidden', 'You are no longer a member of this conversation.');
  }
  const poll = pollOf(input.poll);
  const payload: SendPayload = { text: pollFallbackText(poll), poll };
  const entry = store.addToOutbox({
    key: timeOrderedId(),
    conversationId: input.conversationId,
    kind: 'send',
    payload,
    at: Date.now(),
  });
  context.listChanged();
  context.messagesChanged(input.conversationId);
  void engine.flush(input.conversationId);
  const view = views.page(row, [], true).find((m) => m.key === entry.key);
  if (view === undefined) throw new Error('outbox entry vanished');
  return view;
}

/** The poll a vote is for: a loaded message (by seq) or one still in the outbox (by key). */
function targetPoll(
  context: ClientContext,
  input: { conversationId: string; seq: number | null; key: string },
): Poll {
  const { store } = context;
  let poll: unknown;
  if (input.seq !== null) {
    const event = store.eventAt(input.conversationId, input.seq);
    if (event?.type === 'message' && event.deleted_at === null)
      poll = (JSON.parse(event.payload) as { poll?: unknown }).poll;
  } else {
    const entry = store.outboxEntry(input.key);
    if (entry?.kind === 'send' && entry.conversation_id === input.conversationId)
      poll = (JSON.parse(entry.payload) as SendPayload).poll;
  }
  const parsed = pollSchema.safeParse(poll);
  if (!parsed.success) throw new ChatClientError('not_found', 'No such poll.');
  return parsed.data;
}

/**
 * Records your whole choice on a poll in the outbox (shown at once, sent in order after the poll
 * itself when that is still pending), checked as the server will check it.
 */
export function votePoll(
  context: ClientContext,
  input: { conversationId: string; seq: number | null; key: string; options: number[] },
): void {
  const { store, engine } = context;
  const row = store.conversation(input.conversationId);
  if (row === null || row.status === 'left') {
    throw new ChatClientError('forbidden', 'You are no longer a member of this conversation.');
  }
  const poll = targetPoll(context, input);
  const options = [...new Set(input.options)].sort((a, b) => a - b);
  if (options.some((i) => !Number.isInteger(i) || i < 0 || i >= poll.options.length))
    throw new ChatClientError('invalid_payload', 'No such option.');
  if (!poll.multiple && options.length > 1)
    throw new ChatClientError('invalid_payload', 'This poll takes one answer.');
  store.addToOutbox({
    key: timeOrderedId(),
    conversationId: input.conversationId,
    kind: 'vote',
    payload: input.seq !== null ? { seq: input.seq, options } : { targetKey: input.key, options },
    at: Date.now(),
  });
  context.messagesChanged(input.conversationId);
  void engine.flush(input.conversationId);
}
