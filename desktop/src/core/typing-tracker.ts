import { TYPING_REFRESH_MS, TYPING_TIMEOUT_MS } from '@chitchat/shared';

/**
 * Typing indicators both ways: what this device last sent per conversation (a refresh at most
 * every TYPING_REFRESH_MS while typing goes on), and who else is typing where, each forgotten
 * after TYPING_TIMEOUT_MS without news (a lost "stopped" must not leave them typing for good).
 */
export class TypingTracker {
  private readonly people = new Map<string, Map<string, ReturnType<typeof setTimeout>>>();
  private readonly sent = new Map<string, { typing: boolean; at: number }>();

  constructor(
    /** Sends this device's state (when connected). */
    private readonly emit: (conversationId: string, typing: boolean) => void,
    /** Who types in this conversation changed. */
    private readonly changed: (conversationId: string) => void,
  ) {}

  /** This device's user types (or stopped) in a conversation. */
  setTyping(conversationId: string, typing: boolean): void {
    const last = this.sent.get(conversationId);
    const now = Date.now();
    if (
      last !== undefined &&
      last.typing === typing &&
      (!typing || now - last.at < TYPING_REFRESH_MS)
    )
      return;
    this.sent.set(conversationId, { typing, at: now });
    this.emit(conversationId, typing);
  }

  /** Someone else types (or stopped, or their message arrived). */
  setPerson(conversationId: string, userId: string, typing: boolean): void {
    let people = this.people.get(conversationId);
    const existing = people?.get(userId);
    if (existing !== undefined) clearTimeout(existing);
    if (typing) {
      if (people === undefined) {
        people = new Map();
        this.people.set(conversationId, people);
      }
      people.set(
        userId,
        setTimeout(() => this.setPerson(conversationId, userId, false), TYPING_TIMEOUT_MS),
      );
    } else {
      if (existing === undefined) return;
      people?.delete(userId);
    }
    this.changed(conversationId);
  }

  typingIn(conversationId: string): string[] {
    return [...(this.people.get(conversationId)?.keys() ?? [])];
  }

  stop(): void {
    for (const people of this.people.values())
      for (const timer of people.values()) clearTimeout(timer);
    this.people.clear();
  }
}
