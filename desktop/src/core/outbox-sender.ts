import type { LinkPreviewInput } from '@chitchat/shared';
import { ApiError, type ApiClient } from './api-client';
import type { EngineLogger } from './emitter';
import type {
  DeletePayload,
  EditPayload,
  LocalStore,
  OutboxAttachment,
  OutboxLinkPreview,
  OutboxPayload,
  OutboxRow,
  OutboxTarget,
  ReactPayload,
  PinOutboxPayload,
  SendPayload,
  VotePayload,
} from './local-store/index';
import type { MediaCache } from './media-cache';
import { RequestFailed, backoffDelay, type Call } from './requests';
import type { HostFiles } from './host';

/** Error codes after which retrying the same request cannot succeed: the entry is marked failed. */
const DEFINITIVE_CODES = new Set([
  'invalid_payload',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unauthorized',
]);

/** How many older pages a restored outbox entry may load while looking for its target. */
const STALE_TARGET_PAGES = 5;

/** What the outbox needs of the engine around it. */
export interface OutboxDeps {
  store: LocalStore;
  api: ApiClient;
  listener: {
    changed(change: { list: boolean; conversations: readonly string[] }): void;
    upload(conversationId: string, key: string, sent: number, total: number): void;
  };
  logger: EngineLogger;
  media: MediaCache | null;
  /** Where outbox attachments wait (host.ts). */
  files: HostFiles;
  /** First retry delay; doubles per attempt, with jitter, up to 30 s. */
  retryBaseMs: number;
  connected(): boolean;
  call: Call;
  /** Loads the next older page of a conversation (to find a restored entry's target). */
  fetchOlder(conversationId: string): Promise<void>;
}

/**
 * The outbox flush of DESIGN §5 step 2: per conversation, in order, one request at a time, the
 * same clientMsgId / opId on every retry (with backoff), `failed` only on a definitive error code.
 * After a restore, entries that name a message by seq find it again first (or fail visibly).
 */
export class OutboxSender {
  private readonly flushing = new Set<string>();
  private readonly retryTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly deps: OutboxDeps) {}

  stop(): void {
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
  }

  /** Sends the conversation's outbox in order, one request in flight; retries with backoff. */
  async flush(conversationId: string): Promise<void> {
    if (
      this.flushing.has(conversationId) ||
      !this.deps.connected() ||
      this.retryTimers.has(conversationId)
    )
      return;
    this.flushing.add(conversationId);
    try {
      for (;;) {
        const next = this.deps.store.outbox(conversationId).find((row) => row.state === 'pending');
        if (next === undefined || !this.deps.connected()) return;
        const outcome = await this.sendEntry(next);
        if (outcome === 'retry') {
          this.scheduleRetry(conversationId, next.attempts);
          return;
        }
        this.deps.listener.changed({ list: true, conversations: [conversationId] });
      }
    } finally {
      this.flushing.delete(conversationId);
    }
  }

  private scheduleRetry(conversationId: string, attempts: number): void {
    const delay = backoffDelay(this.deps.retryBaseMs, attempts);
    const timer = setTimeout(() => {
      this.retryTimers.delete(conversationId);
      void this.flush(conversationId);
    }, delay);
    this.retryTimers.set(conversationId, timer);
  }

  /** Sends one entry; 'done' when it was acknowledged or failed for good, 'retry' otherwise. */
  private async sendEntry(entry: OutboxRow): Promise<'done' | 'retry'> {
    this.deps.store.countOutboxAttempt(entry.key);
    try {
      switch (entry.kind) {
        case 'send': {
          const payload = JSON.parse(entry.payload) as SendPayload;
          let replyToSeq = payload.replyToSeq;
          if (replyToSeq === undefined && payload.replyToKey !== undefined) {
            // A reply to a message that was still in the outbox: it was sent before this entry
            // (the outbox goes in order), so its seq is known now.
            const target = this.deps.store.ownMessage(entry.conversation_id, payload.replyToKey);
            if (target !== null && !('seq' in target)) return this.waitOrFail(entry, target);
            delete payload.replyToKey;
            // Discarded before it was sent: the reply goes without a quote, as after a delete.
            if (target !== null) replyToSeq = payload.replyToSeq = target.seq;
            this.deps.store.updateOutboxPayload(entry.key, payload);
          }
          if (payload.replyTarget !== undefined) {
            const found = await this.findTarget(entry.conversation_id, payload.replyTarget);
            if (found === null) return this.failStale(entry);
            replyToSeq = payload.replyToSeq = found;
            delete payload.replyTarget;
            this.deps.store.updateOutboxPayload(entry.key, payload);
          }
          const attachments = await this.uploadAttachments(entry, payload);
          const answer = await this.deps.call('message:send', {
            conversationId: entry.conversation_id,
            clientMsgId: entry.key,
            ...(payload.text.trim() !== '' ? { text: payload.text } : {}),
            ...(attachments.length > 0 ? { attachments } : {}),
            ...(replyToSeq !== undefined ? { replyToSeq } : {}),
            ...(payload.forwarded === true ? { forwarded: true } : {}),
            ...(payload.linkPreview !== undefined
              ? { linkPreview: linkPreviewInputOf(payload.linkPreview) }
              : {}),
            ...(payload.mentions !== undefined && payload.mentions.length > 0
              ? { mentions: payload.mentions }
              : {}),
            ...(payload.poll !== undefined ? { poll: payload.poll } : {}),
            ...(payload.voice !== undefined ? { voice: payload.voice } : {}),
          });
          for (const attachment of filesOf(payload)) this.deps.files.remove(attachment.file);
          // The entry leaves the outbox when its event is applied (live or by catch-up), or at
          // once when the log is applied past it without it: the message lies below the loaded
          // page (a restored server answered with its old seq), and scrolling back shows it.
          const row = this.deps.store.conversation(entry.conversation_id);
          if (
            this.deps.store.eventAt(entry.conversation_id, answer.seq) === null &&
            (row === null || answer.seq > row.last_seq)
          )
            this.deps.store.markOutboxSent(entry.key, answer.seq);
          else this.deps.store.removeOutbox(entry.key);
          return 'done';
        }
        case 'edit': {
          // An edit of a message whose send had already been tried (else the send itself was
          // rewritten) goes once that send is acknowledged, on its seq.
          const payload = JSON.parse(entry.payload) as EditPayload;
          const resolved = await this.resolveSeq(entry, payload, (seq) => ({
            seq,
            text: payload.text,
          }));
          if ('outcome' in resolved) return resolved.outcome;
          await this.deps.call('message:edit', {
            conversationId: entry.conversation_id,
            seq: resolved.seq,
            text: payload.text,
            opId: entry.key,
          });
          this.deps.store.removeOutbox(entry.key);
          return 'done';
        }
        case 'pin': {
          const payload = JSON.parse(entry.payload) as PinOutboxPayload;
          const resolved = await this.resolveSeq(entry, payload, (seq) => ({
            seq,
            pinned: payload.pinned,
          }));
          if ('outcome' in resolved) return resolved.outcome;
          try {
            await this.deps.call('message:pin', {
              conversationId: entry.conversation_id,
              opId: entry.key,
              targetSeq: resolved.seq,
              pinned: payload.pinned,
            });
          } catch (error) {
            // Deleted meanwhile: a deleted message is never shown pinned, so nothing is left to do.
            if (!(error instanceof RequestFailed && error.code === 'conflict')) throw error;
          }
          this.deps.store.removeOutbox(entry.key);
          return 'done';
        }
        case 'vote': {
          // A vote on a poll that was still in the outbox goes once the poll is acknowledged.
          const payload = JSON.parse(entry.payload) as VotePayload;
          const resolved = await this.resolveSeq(entry, payload, (seq) => ({
            seq,
            options: payload.options,
          }));
          if ('outcome' in resolved) return resolved.outcome;
          await this.deps.call('poll:vote', {
            conversationId: entry.conversation_id,
            targetSeq: resolved.seq,
            options: payload.options,
            opId: entry.key,
          });
          this.deps.store.removeOutbox(entry.key);
          return 'done';
        }
        case 'delete': {
          const payload = JSON.parse(entry.payload) as DeletePayload;
          const resolved = await this.resolveSeq(entry, payload, (seq) => ({ seq }));
          if ('outcome' in resolved) return resolved.outcome;
          await this.deps.call('message:delete', {
            conversationId: entry.conversation_id,
            seq: resolved.seq,
            opId: entry.key,
          });
          this.deps.store.removeOutbox(entry.key);
          return 'done';
        }
        case 'react':
          return await this.sendReaction(entry);
      }
    } catch (error) {
      const code =
        error instanceof RequestFailed || error instanceof ApiError ? error.code : 'internal';
      if (DEFINITIVE_CODES.has(code) && entry.kind === 'react') {
        // A reaction that cannot land (its message was deleted, the chat left) just goes: the
        // message shows no reaction then anyway, so there is nothing to retry or discard.
        this.deps.store.removeOutbox(entry.key);
        this.deps.logger.warn('reaction dropped', { key: entry.key, code });
        return 'done';
      }
      if (DEFINITIVE_CODES.has(code)) {
        this.deps.store.markOutboxFailed(entry.key, code);
        this.deps.logger.warn('outbox entry failed', { key: entry.key, code });
        return 'done';
      }
      return 'retry';
    }
  }

  /** `message:react` on the target's seq (resolved like an edit's); the answer is folded at once. */
  private async sendReaction(entry: OutboxRow): Promise<'done' | 'retry'> {
    const payload = JSON.parse(entry.payload) as ReactPayload;
    const resolved = await this.resolveSeq(
      entry,
      payload,
      (resolvedSeq) => ({ seq: resolvedSeq, emoji: payload.emoji }),
      'drop',
    );
    if ('outcome' in resolved) return resolved.outcome;
    const seq = resolved.seq;
    const answer = await this.deps.call('message:react', {
      conversationId: entry.conversation_id,
      opId: entry.key,
      targetSeq: seq,
      emoji: payload.emoji,
    });
    // Shown as acknowledged now, not only when the event arrives (a later event wins by its seq).
    this.deps.store.reactions.apply({
      conversationId: entry.conversation_id,
      targetSeq: seq,
      userId: this.deps.store.userId,
      emoji: payload.emoji,
      seq: answer.seq,
      at: Date.now(),
    });
    this.deps.store.removeOutbox(entry.key);
    return 'done';
  }

  /**
   * The seq an entry that names a message applies to (edit, vote, pin, delete, reaction): its own;
   * or, queued while that message was itself in the outbox, the message's seq once its send is
   * acknowledged; or, after a server restore, wherever its target is found again. A resolved seq
   * is saved (`save` builds the payload), so a retry does not resolve it again. When the message
   * is lost (discarded from the outbox: always nothing left to do), its send failed, or a restored
   * target is not found, a reaction just goes (`'drop'`: the message shows no reaction then
   * anyway); anything else fails visibly.
   */
  private async resolveSeq(
    entry: OutboxRow,
    payload: { seq?: number; targetKey?: string; target?: OutboxTarget },
    save: (seq: number) => OutboxPayload,
    whenLost: 'fail' | 'drop' = 'fail',
  ): Promise<{ seq: number } | { outcome: 'done' | 'retry' }> {
    const drop = () => {
      this.deps.store.removeOutbox(entry.key);
      return { outcome: 'done' as const };
    };
    let seq = payload.seq;
    if (seq === undefined) {
      const target =
        payload.targetKey === undefined
          ? null
          : this.deps.store.ownMessage(entry.conversation_id, payload.targetKey);
      if (target === null) return drop();
      if (!('seq' in target)) {
        if (whenLost === 'fail') return { outcome: this.waitOrFail(entry, target) };
        return target.entry.state === 'failed' ? drop() : { outcome: 'retry' };
      }
      seq = target.seq;
      this.deps.store.updateOutboxPayload(entry.key, save(seq));
    }
    if (payload.target !== undefined) {
      const found = await this.findTarget(entry.conversation_id, payload.target);
      if (found === null) return whenLost === 'fail' ? { outcome: this.failStale(entry) } : drop();
      seq = found;
      this.deps.store.updateOutboxPayload(entry.key, save(seq));
    }
    return { seq };
  }

  /**
   * Uploads the entry's files that are not on the server yet, one at a time, recording each media
   * id in the outbox as it lands: a retry after a failure resumes with the next file.
   */
  private async uploadAttachments(entry: OutboxRow, payload: SendPayload): Promise<string[]> {
    const attachments = payload.attachments ?? [];
    // The link preview's image goes up the same way; it is not one of the message's files.
    const files = filesOf(payload);
    const total = files.reduce((sum, a) => sum + a.size, 0);
    let done = 0;
    for (const attachment of files) {
      if (attachment.mediaId === undefined) {
        const bytes = this.deps.files.read(attachment.file);
        if (bytes === null) throw new Error(`The outbox file ${attachment.file} is missing.`);
        const answer = await this.deps.api.uploadMedia(bytes, attachment, (sent) =>
          this.deps.listener.upload(entry.conversation_id, entry.key, done + sent, total),
        );
        attachment.mediaId = answer.id;
        attachment.thumbnail = answer.thumbnail;
        if (answer.width !== undefined) attachment.width = answer.width;
        if (answer.height !== undefined) attachment.height = answer.height;
        this.deps.store.updateOutboxPayload(entry.key, payload);
        // The sender already has the bytes: no download needed to show them.
        this.deps.media?.put(answer.id, 'original', answer.mime, bytes);
      }
      done += attachment.size;
    }
    return attachments.flatMap((a) => (a.mediaId !== undefined ? [a.mediaId] : []));
  }

  /**
   * Where an outbox entry's target is after a restore: looked up by its identity in what is
   * loaded, then in up to STALE_TARGET_PAGES older pages. Null when it cannot be found: the
   * message it meant is not on this server (or too far back to look for).
   */
  private async findTarget(conversationId: string, target: OutboxTarget): Promise<number | null> {
    if (target.id === null && target.clientMsgId === null) return null;
    for (let page = 0; ; page++) {
      const found = this.deps.store.resolveOutboxTarget(conversationId, target);
      if (found !== null) return found;
      const row = this.deps.store.conversation(conversationId);
      if (row === null || row.history_complete === 1 || page >= STALE_TARGET_PAGES) return null;
      await this.deps.fetchOlder(conversationId);
    }
  }

  private failStale(entry: OutboxRow): 'done' {
    this.deps.store.markOutboxFailed(entry.key, 'stale_target');
    this.deps.logger.warn('outbox entry refers to a message the restored server does not have', {
      key: entry.key,
    });
    return 'done';
  }

  /**
   * A reply or edit whose target send has no seq yet. The outbox goes in order, so the target was
   * tried first: if it failed, this entry fails too (retried after the target is); a target still
   * pending (not expected) is waited for.
   */
  private waitOrFail(entry: OutboxRow, target: { entry: { state: string } }): 'done' | 'retry' {
    if (target.entry.state !== 'failed') return 'retry';
    this.deps.store.markOutboxFailed(entry.key, 'stale_target');
    this.deps.logger.warn('outbox entry refers to a message that could not be sent', {
      key: entry.key,
    });
    return 'done';
  }
}

/** Every file an outbox message sends: its attachments, then its link preview's image. */
const filesOf = (payload: SendPayload): OutboxAttachment[] => [
  ...(payload.attachments ?? []),
  ...(payload.linkPreview?.image !== undefined ? [payload.linkPreview.image] : []),
];

/** The preview as `message:send` takes it, once its image (if any) is uploaded. */
function linkPreviewInputOf(preview: OutboxLinkPreview): LinkPreviewInput {
  return {
    url: preview.url,
    title: preview.title,
    ...(preview.description !== null ? { description: preview.description } : {}),
    ...(preview.image?.mediaId !== undefined ? { imageId: preview.image.mediaId } : {}),
  };
}
