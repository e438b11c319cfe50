import { PLAYED_LIST_MAX, type PlayedReceipt } from '@chitchat/shared';
import type { EngineLogger } from './emitter';
import type { LocalStore } from './local-store/index';
import { RequestFailed, type Call } from './requests';

/** What the played marks need of the engine around them. */
export interface PlayedDeps {
  store: LocalStore;
  logger: EngineLogger;
  call: Call;
  connected(): boolean;
  /** Messages of these conversations changed (a note turned played). */
  changed(conversationIds: readonly string[]): void;
}

/** Codes after which sending the same mark again cannot succeed: it is dropped. */
const DEFINITIVE_CODES = new Set(['invalid_payload', 'forbidden', 'not_found']);

/**
 * Played marks of voice notes (issue #14, WhatsApp's blue microphone). The person's own mark is
 * stored first (pending) and sent with `receipt:played` now or on the next sync, so a note played
 * offline or just before a restart still reaches the sender; the server keeps the first mark, so a
 * repeat changes nothing. Others' marks arrive as `receipt:played` pushes while connected, and by
 * `played:list` on every sync for the loaded notes whose marks may still change (pushes reach only
 * connected devices), and for each page of older history.
 */
export class PlayedMarks {
  private sending = false;

  constructor(private readonly deps: PlayedDeps) {}

  /** The person played the note at `seq` on this device: recorded at once, sent when possible. */
  markPlayed(conversationId: string, seq: number): boolean {
    const fresh = this.deps.store.played.markMine(conversationId, seq, Date.now());
    if (fresh) {
      this.deps.changed([conversationId]);
      void this.sendPending();
    }
    return fresh;
  }

  /** A `receipt:played` push: someone played a note of this person's, or this person did elsewhere. */
  onPush(receipt: PlayedReceipt): void {
    this.deps.store.played.record([receipt]);
    this.deps.changed([receipt.conversationId]);
  }

  /** Sends own marks that wait (one at a time, oldest first); failures wait for the next sync. */
  async sendPending(): Promise<void> {
    if (this.sending || !this.deps.connected()) return;
    this.sending = true;
    try {
      for (const mark of this.deps.store.played.pendingMine()) {
        const payload = { conversationId: mark.conversation_id, seq: mark.seq };
        try {
          const answer = await this.deps.call('receipt:played', payload);
          this.deps.store.played.record([
            { ...payload, userId: this.deps.store.userId, playedAt: answer.playedAt },
          ]);
        } catch (error) {
          if (!(error instanceof RequestFailed && DEFINITIVE_CODES.has(error.code))) {
            this.deps.logger.debug('played mark not sent yet', { error: String(error) });
            return;
          }
          // Not a note this person may mark (deleted meanwhile, their own): nothing to retry.
          this.deps.store.played.drop(mark.conversation_id, mark.seq);
          this.deps.logger.warn('played mark refused', { ...payload, code: error.code });
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /**
   * After a sync: sends what waits, then asks for the marks of every open loaded note. Never
   * rejects: the engine starts it without waiting, and it may outlive the engine (the cache closed
   * by a sign-out or a stop while a request was out); the next sync does whatever was left.
   */
  async sync(): Promise<void> {
    try {
      await this.sendPending();
      const byConversation = new Map<string, number[]>();
      for (const note of this.deps.store.played.openNotes()) {
        const seqs = byConversation.get(note.conversation_id);
        if (seqs === undefined) byConversation.set(note.conversation_id, [note.seq]);
        else seqs.push(note.seq);
      }
      for (const [conversationId, seqs] of byConversation) await this.fetch(conversationId, seqs);
    } catch (error) {
      this.deps.logger.debug('played marks not synced', { error: String(error) });
    }
  }

  /** The marks of these notes from the server (a page of older history, an open note). */
  async fetch(conversationId: string, seqs: readonly number[]): Promise<void> {
    if (seqs.length === 0 || !this.deps.connected()) return;
    try {
      for (let start = 0; start < seqs.length; start += PLAYED_LIST_MAX) {
        const answer = await this.deps.call('played:list', {
          conversationId,
          seqs: seqs.slice(start, start + PLAYED_LIST_MAX),
        });
        if (answer.played.length > 0) {
          this.deps.store.played.record(answer.played);
          this.deps.changed([conversationId]);
        }
      }
    } catch (error) {
      // The next sync asks again for whatever is still open.
      this.deps.logger.debug('played marks not fetched', { conversationId, error: String(error) });
    }
  }
}
