import { io, type Socket } from 'socket.io-client';
import {
  DELIVERED_DEBOUNCE_MS,
  PROTOCOL_VERSION,
  type ClientRequestName,
  type ClientToServerEvents,
  type ConversationEvent,
  type ConversationSummary,
  type LogEntry,
  type PresenceInfo,
  type JoinRequestUpdate,
  type PublicUser,
  type RequestAnswer,
  type RequestPayload,
  type Result,
  type ServerToClientEvents,
} from '@chitchat/shared';
import type { ConnectionState } from '../common/contract';
import { AccountSync } from './account-sync';
import { ApiError, type ApiClient } from './api-client';
import { MemberNames } from './member-names';
import { revokedMessage, wireStatePushes } from './sync-pushes';
import { OutboxSender } from './outbox-sender';
import { PlayedMarks } from './played-marks';
import { ReceiptSender } from './receipt-sender';
import { TypingTracker } from './typing-tracker';
import { RequestFailed, backoffDelay } from './requests';
import type { EngineLogger } from './emitter';
import type { MediaCache } from './media-cache';
import type { LocalStore } from './local-store/index';
import type { HostFiles } from './host';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type SocketOptions = NonNullable<Parameters<typeof io>[1]>;
/** Opens the socket; tests pass one that wraps the real client (e.g. to reorder deliveries). */
export type SocketFactory = (url: string, options: SocketOptions) => ClientSocket;

export interface SyncEngineOptions {
  /** How long to wait for an ack before treating a request as lost. */
  ackTimeoutMs: number;
  /** Page size of catch-up and history requests. */
  pageSize: number;
  /**
   * How long to wait before sending `receipt:delivered` after applying events (3 to 5 times as
   * long in large groups: deliveredReceiptDelayMs).
   */
  deliveredDebounceMs: number;
  /** Periodic resync interval (a safety net; sync also runs on every connect, wake and focus). */
  resyncIntervalMs: number;
  /** Reconnection backoff of the socket (Socket.io's exponential backoff with jitter). */
  reconnectDelayMs: number;
  reconnectDelayMaxMs: number;
  /** First retry delay of an outbox entry; doubles per attempt, with jitter, up to 30 s. */
  retryBaseMs: number;
}

export const DEFAULT_SYNC_OPTIONS: SyncEngineOptions = {
  ackTimeoutMs: 10_000,
  pageSize: 200,
  deliveredDebounceMs: DELIVERED_DEBOUNCE_MS,
  resyncIntervalMs: 5 * 60_000,
  reconnectDelayMs: 500,
  reconnectDelayMaxMs: 15_000,
  retryBaseMs: 500,
};

export interface SyncListener {
  connection(state: ConnectionState): void;
  /** Something in the local store changed: the list, and/or messages of these conversations. */
  changed(change: { list: boolean; conversations: readonly string[] }): void;
  presence(info: PresenceInfo): void;
  typing(conversationId: string): void;
  incoming(event: ConversationEvent): void;
  /** Bytes of an outbox entry's files have been sent. */
  upload(conversationId: string, key: string, sent: number, total: number): void;
  /** The server ended this device's session. */
  revoked(reason: string): void;
  /** A group invitation arrived or was answered on another device. */
  invitation(): void;
  /** A join request through an invite link started or ended (issue #15). */
  joinRequest(update: JoinRequestUpdate): void;
  /** The person's own profile changed (on this or another device): `user:changed` about them. */
  ownProfile(user: PublicUser): void;
}

/**
 * Keeps the local store in step with the server (DESIGN §5): on every connect it asks for the
 * conversations changed since its cursor, catches up each one page by page (one transaction per
 * page), then flushes the outbox; live events wait in the same queue behind the catch-up, are applied
 * in seq order, and a gap is filled from `events:after` first.
 */
export class SyncEngine {
  private readonly socket: ClientSocket;
  private queue: Promise<void> = Promise.resolve();
  private syncQueued = false;
  private state: ConnectionState = 'offline';
  /** Conversations whose catch-up failed: the retry waiting, and how many failed in a row. */
  private readonly catchUpTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly catchUpAttempts = new Map<string, number>();
  private syncAttempts = 0;
  private syncRetryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly receipts: ReceiptSender;
  private readonly typing: TypingTracker;
  private watched: string[] = [];
  private resyncTimer: ReturnType<typeof setInterval> | null = null;
  private stopped = false;
  /** The account state (starred, deleted for me): fetched and flushed with every sync. */
  readonly account: AccountSync;
  private readonly outbox: OutboxSender;
  private readonly names: MemberNames;
  /** Played marks of voice notes: this person's, sent; others', pushed and fetched. */
  readonly played: PlayedMarks;

  constructor(
    private readonly store: LocalStore,
    private readonly api: ApiClient,
    private readonly listener: SyncListener,
    private readonly logger: EngineLogger,
    private readonly options: SyncEngineOptions = DEFAULT_SYNC_OPTIONS,
    connect: SocketFactory = (url, socketOptions) => io(url, socketOptions),
    media: MediaCache | null,
    /** Where outbox attachments wait (the host's files, host.ts). */
    files: HostFiles,
  ) {
    this.socket = connect(api.serverUrl, {
      transports: ['websocket'],
      autoConnect: false,
      reconnectionDelay: options.reconnectDelayMs,
      reconnectionDelayMax: options.reconnectDelayMaxMs,
      randomizationFactor: 0.5,
      // A callback, so every reconnect sends the current access token.
      auth: (cb) => {
        this.api.currentAccessToken().then(
          (token) => cb({ token, protocol: PROTOCOL_VERSION }),
          () => cb({ token: this.api.peekAccessToken() ?? '', protocol: PROTOCOL_VERSION }),
        );
      },
    });
    this.account = new AccountSync(
      store,
      {
        state: (payload) => this.call('account:state', payload),
        set: (payload) => this.call('account:set', payload),
      },
      (conversations) => this.listener.changed({ list: true, conversations }),
      logger,
    );
    this.typing = new TypingTracker(
      (conversationId, typing) => {
        if (this.socket.connected) this.socket.emit('typing', { conversationId, typing });
      },
      (conversationId) => this.listener.typing(conversationId),
    );
    this.receipts = new ReceiptSender({
      store,
      logger,
      call: (event, payload) => this.call(event, payload),
      connected: () => this.socket.connected,
      listChanged: () => this.listener.changed({ list: true, conversations: [] }),
      deliveredDebounceMs: options.deliveredDebounceMs,
    });
    this.played = new PlayedMarks({
      store,
      logger,
      call: (event, payload) => this.call(event, payload),
      connected: () => this.socket.connected,
      changed: (conversations) => this.listener.changed({ list: false, conversations }),
    });
    this.outbox = new OutboxSender({
      store,
      api,
      listener,
      logger,
      media,
      files,
      retryBaseMs: options.retryBaseMs,
      connected: () => this.socket.connected,
      call: (event, payload) => this.call(event, payload),
      fetchOlder: (conversationId) => this.fetchOlder(conversationId),
    });
    this.names = new MemberNames({
      store,
      logger,
      fetchMembers: async (conversationId) =>
        (await this.call('conversation:members', { conversationId })).members,
      named: (conversationId) => listener.changed({ list: true, conversations: [conversationId] }),
    });
    this.wireSocket();
  }

  get connection(): ConnectionState {
    return this.state;
  }

  start(): void {
    this.setState('connecting');
    this.socket.connect();
    this.resyncTimer = setInterval(() => this.requestSync(), this.options.resyncIntervalMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.resyncTimer !== null) clearInterval(this.resyncTimer);
    if (this.syncRetryTimer !== null) clearTimeout(this.syncRetryTimer);
    this.outbox.stop();
    this.receipts.stop();
    for (const timer of this.catchUpTimers.values()) clearTimeout(timer);
    this.catchUpTimers.clear();
    this.typing.stop();
    this.socket.removeAllListeners();
    this.socket.close();
    this.setState('offline');
  }

  /** Resolves when everything queued so far (sync, live events) has been applied. */
  idle(): Promise<void> {
    return this.queue;
  }

  /** Runs a sync soon (on wake, focus, or a timer); coalesces with one already waiting. */
  requestSync(): void {
    if (this.syncQueued || !this.socket.connected) return;
    this.syncQueued = true;
    this.enqueue(async () => {
      this.syncQueued = false;
      try {
        await this.sync();
        this.syncAttempts = 0;
      } catch (error) {
        // The list itself failed (a timeout, say): try again soon rather than at the next timer.
        this.syncAttempts += 1;
        this.logger.warn('sync failed; retrying', { error: String(error) });
        if (this.syncRetryTimer !== null) clearTimeout(this.syncRetryTimer);
        this.syncRetryTimer = setTimeout(() => {
          this.syncRetryTimer = null;
          this.requestSync();
        }, this.backoff(this.syncAttempts));
      }
    });
  }

  /** Tries to connect at once instead of waiting out socket.io's back-off ("Retry now"). */
  reconnectNow(): void {
    if (this.stopped || this.socket.connected) return;
    this.setState('connecting');
    // disconnect() drops the manager's back-off timer; connect() then opens a fresh attempt.
    this.socket.disconnect();
    this.socket.connect();
  }

  typingIn(conversationId: string): string[] {
    return this.typing.typingIn(conversationId);
  }

  // ---------- requests ----------

  /** One request with an ack timeout; throws RequestFailed with the server's code, or `timeout`. */
  async call<E extends ClientRequestName>(
    event: E,
    payload: RequestPayload<E>,
  ): Promise<RequestAnswer<E>> {
    if (!this.socket.connected) throw new RequestFailed('offline', 'Not connected to the server.');
    const timed = this.socket.timeout(this.options.ackTimeoutMs);
    // The generic event name defeats Socket.io's overloads; the shared event map keeps it typed.
    const emit = timed.emitWithAck.bind(timed) as (
      name: string,
      body: unknown,
    ) => Promise<Result<RequestAnswer<E>>>;
    let result: Result<RequestAnswer<E>>;
    try {
      result = await emit(event, payload);
    } catch {
      throw new RequestFailed('timeout', `No answer to ${event} in time.`);
    }
    if (!result.ok) throw new RequestFailed(result.error.code, result.error.message);
    return result.data;
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((error: unknown) => {
      this.logger.warn('sync task failed', { error: String(error) });
    });
  }

  // ---------- socket wiring ----------

  private wireSocket(): void {
    const socket = this.socket;
    socket.on('connect', () => {
      this.setState('online');
      this.requestSync();
      if (this.watched.length > 0) void this.watchPresence(this.watched).catch(() => undefined);
    });
    socket.on('disconnect', (reason) => {
      if (this.stopped) return;
      this.setState('connecting');
      // The server closed this socket itself (e.g. shutting down). Socket.io does not reconnect
      // after that on its own; a revoked device has been stopped by `session:revoked` already.
      if (reason === 'io server disconnect') this.reconnectLater();
    });
    socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      if (this.stopped) return;
      // An attempt that failed to reach the server: offline until one succeeds (socket.io keeps
      // trying with back-off; the screen offers "Retry now").
      this.setState(error.message === 'unauthorized' ? 'connecting' : 'offline');
      if (error.message === 'unauthorized') {
        // The access token expired or was refused: refresh once, then connect again.
        this.api.refresh().then(
          () => {
            if (!this.stopped) socket.connect();
          },
          (refreshError: unknown) => {
            if (refreshError instanceof ApiError && refreshError.code === 'unauthorized') {
              this.listener.revoked('Your session ended; sign in again.');
            } else {
              this.reconnectLater();
            }
          },
        );
      } else if (error.message === 'unsupported_protocol') {
        this.logger.error('the server does not support this app version', { data: error.data });
      }
    });
    wireStatePushes(socket, {
      store: this.store,
      listener: this.listener,
      typing: this.typing,
      played: this.played,
      account: this.account,
      enqueue: (task) => this.enqueue(task),
      onLiveEvent: (event) => this.onLiveEvent(event),
      catchUpOrRetry: (conversationId) => this.catchUpOrRetry(conversationId),
    });
    // The server is shutting down and will close this socket shortly. Move now rather than wait:
    // behind a load balancer the reconnect lands on another server, and an embedded server is
    // retried with backoff until it is back. Unacked sends stay in the outbox and go again.
    socket.on('server:draining', () => {
      if (this.stopped) return;
      socket.disconnect();
      this.setState('connecting');
      this.reconnectLater();
    });
    socket.on('session:revoked', (info) => {
      this.listener.revoked(revokedMessage(info.reason));
    });
  }

  private reconnectLater(): void {
    const delay = this.options.reconnectDelayMs * (1 + Math.random());
    setTimeout(() => {
      if (!this.stopped && !this.socket.connected) this.socket.connect();
    }, delay);
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.listener.connection(state);
  }

  // ---------- sync ----------

  private async sync(): Promise<void> {
    const cursorText = this.store.getMeta('cursor');
    const since = cursorText === null ? undefined : Number(cursorText);
    const list = await this.call('conversation:list', since === undefined ? {} : { since });
    const knownEpoch = this.store.getMeta('store_epoch');
    const restored =
      (knownEpoch !== null && knownEpoch !== list.storeEpoch) ||
      list.conversations.some((c) => c.lastSeq < (this.store.conversation(c.id)?.last_seq ?? 0));
    if (restored) {
      // The server was restored from a backup: what we hold may be ahead of it. Start afresh.
      this.logger.warn('the server was restored; resyncing from scratch');
      this.store.resetServerState();
      this.store.setMeta('store_epoch', list.storeEpoch);
      this.listener.changed({ list: true, conversations: [] });
      await this.sync();
      return;
    }
    this.store.setMeta('store_epoch', list.storeEpoch);
    // A first sync (a new device, or after a restore) takes the account state in before the chats:
    // otherwise a group deleted for me would show, and count in the badge, until it arrived
    // (archived and pinned chats would jump too). Later syncs fetch it alongside.
    if (since === undefined)
      await this.account.fetchOnly().catch((error: unknown) => {
        this.logger.warn('account state fetch failed', { error: String(error) });
      });
    const readsToSend: { id: string; seq: number }[] = [];
    for (const summary of list.conversations) {
      const local = this.store.conversation(summary.id);
      if (local !== null && local.read_seq > summary.readSeq)
        readsToSend.push({ id: summary.id, seq: local.read_seq });
      this.store.applySummary(summary);
    }
    // The first sync always announces the list, even an empty one: it is how the screen learns
    // that a new account has no chats (rather than still syncing).
    if (list.conversations.length > 0 || since === undefined)
      this.listener.changed({ list: true, conversations: [] });
    // One conversation that fails (a timeout, an error) must not hold back the others or the
    // outbox: each is caught up on its own, and a failed one is retried with backoff. Those
    // still behind from an earlier failure are caught up too (the cursor moved past them).
    const listed = new Set(list.conversations.map((c) => c.id));
    for (const summary of list.conversations) await this.catchUpOrRetry(summary.id, summary);
    for (const row of this.store.conversations())
      if (!listed.has(row.id) && row.last_seq < row.server_last_seq)
        await this.catchUpOrRetry(row.id);
    this.store.setMeta('cursor', String(list.cursor));
    // Reads made while offline reach the server (and the user's other devices) now.
    for (const read of readsToSend) void this.receipts.sendRead(read.id, read.seq);
    for (const conversationId of this.store.conversationsWithPendingOutbox())
      void this.flush(conversationId);
    // Marks made offline go now; marks others made while this device was away are fetched.
    void this.played.sync();
    // The account state has its own version: a failure there holds back no conversation.
    void this.account.sync().catch((error: unknown) => {
      this.logger.warn('account state sync failed', { error: String(error) });
    });
  }

  /**
   * Catches one conversation up; on failure logs it and retries later with backoff instead of
   * throwing, so the caller goes on with the other conversations.
   */
  private async catchUpOrRetry(
    conversationId: string,
    summary?: ConversationSummary,
  ): Promise<void> {
    try {
      await this.catchUp(conversationId, summary);
      this.catchUpAttempts.delete(conversationId);
    } catch (error) {
      this.logger.warn('catch-up failed; retrying later', {
        conversationId,
        error: String(error),
      });
      this.scheduleCatchUpRetry(conversationId);
    }
  }

  private scheduleCatchUpRetry(conversationId: string): void {
    if (this.stopped || this.catchUpTimers.has(conversationId)) return;
    const attempts = (this.catchUpAttempts.get(conversationId) ?? 0) + 1;
    this.catchUpAttempts.set(conversationId, attempts);
    const timer = setTimeout(() => {
      this.catchUpTimers.delete(conversationId);
      // Offline, the next connect's sync catches it up anyway.
      if (this.socket.connected) this.enqueue(() => this.catchUpOrRetry(conversationId));
    }, this.backoff(attempts));
    this.catchUpTimers.set(conversationId, timer);
  }

  private backoff(attempts: number): number {
    return backoffDelay(this.options.retryBaseMs, attempts);
  }

  /** Brings one conversation up to the server's lastSeq (or loads the newest page the first time). */
  private async catchUp(conversationId: string, summary?: ConversationSummary): Promise<void> {
    let row = this.store.conversation(conversationId);
    if (row === null) return;
    const target = summary?.lastSeq ?? row.server_last_seq;
    if (row.last_seq === 0 && row.oldest_seq === 0 && target > 0) {
      // A conversation seen for the first time: only its newest page now, older ones on demand.
      const page = await this.call('events:before', {
        conversationId,
        beforeSeq: Number.MAX_SAFE_INTEGER,
        limit: this.options.pageSize,
      });
      const progress = Math.max(target, page.events[0]?.seq ?? 0);
      this.store.applyHistory(conversationId, page.events, {
        complete: page.events.length < this.options.pageSize,
        latest: { progress },
      });
      this.afterApply(conversationId, page.events);
      return;
    }
    for (;;) {
      row = this.store.conversation(conversationId);
      if (row === null) return;
      const page = await this.call('events:after', {
        conversationId,
        afterSeq: row.last_seq,
        limit: this.options.pageSize,
      });
      // Fewer events than asked: everything visible up to lastSeq is in this page.
      const complete = page.events.length < this.options.pageSize;
      this.store.appendEvents(conversationId, page.events, complete ? page.lastSeq : undefined);
      this.afterApply(conversationId, page.events);
      if (complete || page.events.length === 0) return;
    }
  }

  private async onLiveEvent(event: LogEntry): Promise<void> {
    const row = this.store.conversation(event.conversationId);
    if (row === null) {
      // A conversation we have not heard of (e.g. a first message in a new direct chat).
      await this.sync();
      return;
    }
    if (event.seq <= row.last_seq) return; // a duplicate: already applied
    if (event.seq === row.last_seq + 1) {
      this.store.appendEvents(event.conversationId, [event]);
      this.afterApply(event.conversationId, [event]);
      if (event.type === 'message' && event.senderUserId !== this.store.userId) {
        this.typing.setPerson(event.conversationId, event.senderUserId, false);
        this.announce(event);
      }
      return;
    }
    // A gap: fetch what lies between first; the page includes this event.
    const before = row.last_seq;
    await this.catchUpOrRetry(event.conversationId);
    const after = this.store.conversation(event.conversationId);
    if (
      after !== null &&
      after.last_seq >= event.seq &&
      event.type === 'message' &&
      event.senderUserId !== this.store.userId &&
      event.seq > before
    ) {
      this.announce(event);
    }
  }

  /** A new message for the notification: once its sender is named (member-names.ts). */
  private announce(event: ConversationEvent): void {
    void this.names.settled(event.conversationId).then(() => this.listener.incoming(event));
  }

  private afterApply(conversationId: string, events: readonly LogEntry[]): void {
    if (events.length === 0) return;
    this.listener.changed({ list: true, conversations: [conversationId] });
    this.receipts.scheduleDelivered(conversationId);
    this.names.learn(conversationId, events);
  }

  /** Marks the conversation read up to what is applied locally, here and on the server. */
  markRead(conversationId: string): Promise<void> {
    return this.receipts.markRead(conversationId);
  }

  /** Older history from the server, below what is loaded; false when nothing older exists. */
  async fetchOlder(conversationId: string): Promise<void> {
    const row = this.store.conversation(conversationId);
    if (row === null || row.history_complete === 1) return;
    const beforeSeq = row.oldest_seq === 0 ? Number.MAX_SAFE_INTEGER : row.oldest_seq;
    const page = await this.call('events:before', {
      conversationId,
      beforeSeq,
      limit: this.options.pageSize,
    });
    this.store.applyHistory(conversationId, page.events, {
      complete: page.events.length < this.options.pageSize,
    });
    this.listener.changed({ list: false, conversations: [conversationId] });
    void this.played.fetch(conversationId, voiceNoteSeqs(page.events));
  }

  // ---------- outbox ----------

  /** Sends the conversation's outbox in order, one request in flight; retries with backoff. */
  flush(conversationId: string): Promise<void> {
    return this.outbox.flush(conversationId);
  }

  // ---------- typing and presence ----------

  setTyping(conversationId: string, typing: boolean): void {
    this.typing.setTyping(conversationId, typing);
  }

  async watchPresence(userIds: string[]): Promise<PresenceInfo[]> {
    this.watched = [...new Set(userIds)];
    if (!this.socket.connected) return [];
    const answer = await this.call('presence:watch', { userIds: this.watched });
    return answer.presence;
  }
}

export { RequestFailed };

/** The seqs of the voice notes among these events (their played marks are asked for). */
const voiceNoteSeqs = (events: readonly LogEntry[]): number[] =>
  events.flatMap((e) => (e.type === 'message' && 'voice' in e.payload ? [e.seq] : []));
