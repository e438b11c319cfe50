import type { MessageView } from '../../../common/contract';
import type { AppStore } from '../../state/store';

/** Your current reaction to the message, or null. */
export const myReaction = (m: MessageView): string | null =>
  m.reactions?.find((r) => r.mine)?.emoji ?? null;

/**
 * Reacts with `emoji`, or removes your reaction when `emoji` is already it (as WhatsApp: choosing
 * it again takes it back); null removes it. A message still in the outbox is named by its key.
 */
export function reactTo(
  store: AppStore,
  conversationId: string,
  m: MessageView,
  emoji: string | null,
): void {
  const next = emoji !== null && emoji === myReaction(m) ? null : emoji;
  const target = m.seq !== null ? { seq: m.seq } : { key: m.key };
  // Through the outbox: it works offline and shows at once, as stars do.
  void store.chat.reactToMessage({ conversationId, ...target, emoji: next });
}
