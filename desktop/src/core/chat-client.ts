import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ATTACHMENTS_MAX,
  MEDIA_MAX_BYTES,
  timeOrderedId,
  type DeviceInfo,
  type GroupAdds,
  type GroupInvitation,
  type LastSeenVisibility,
  type PresenceInfo,
  type PublicUser,
} from '@chitchat/shared';
import type {
  ChatApi,
  ChatEvents,
  ConnectionState,
  ConversationView,
  GroupChangeInput,
  MediaBytes,
  MessageInfo,
  OutgoingFile,
  MessagePage,
  MessageView,
  SearchHit,
  SessionState,
  SignInInput,
  SignUpInput,
} from '../common/contract';
import { ApiClient, ApiError, type FetchLike, type SecretStore } from './api-client';
import { Emitter, silentLogger, type EngineLogger } from './emitter';
import { LocalStore, type SendPayload } from './local-store/index';
import { MediaCache } from './media-cache';
import {
  DEFAULT_SYNC_OPTIONS,
  RequestFailed,
  SyncEngine,
  type SocketFactory,
  type SyncEngineOptions,
} from './sync-engine';
import { ViewBuilder } from './views';

export interface ChatClientOptions {
  /** The profile's folder: the session file and one cache database per account live here. */
  profileDir: string;
  /** Keeps the refresh token (Electron: safeStorage). */
  secrets: SecretStore;
  /** How this device is named in the account's device list. */
  device: { name: string; platform: string };
  logger?: EngineLogger;
  fetch?: FetchLike;
  sync?: Partial<SyncEngineOptions>;
  /** Opens the Socket.io connection (default: socket.io-client's `io`). */
  connect?: SocketFactory;
  /** How long sign-in and sign-up wait for the server's answer (default SIGN_IN_TIMEOUT_MS). */
  signInTimeoutMs?: number;
}

/** A sign-in waits this long for the server before it fails with `timeout`. */
export const SIGN_IN_TIMEOUT_MS = 20_000;

interface StoredSession {
  serverUrl: string;
  user: PublicUser & { lastSeenVisibility: LastSeenVisibility; groupAdds?: GroupAdds };
  deviceId: string;
}

const DEFAULT_PAGE = 50;

/** An error crossing the contract, with a stable code the screen can switch on. */
export class ChatClientError extends Error {
  override name = 'ChatClientError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The cache file of one account on one server, inside a profile. */
export function accountDatabasePath(profileDir: string, serverUrl: string, userId: string): string {
  const server = createHash('sha256')
    .update(normalizeServerUrl(serverUrl))
    .digest('hex')
    .slice(0, 12);
  return path.join(profileDir, 'accounts', `${server}-${userId}.sqlite`);
}

export function normalizeServerUrl(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '');
  return /^https?:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
}

/**
 * The whole client minus the screen: sign-in, the local cache, sync and the outbox behind the typed
 * contract of `desktop/common`. Runs in plain Node (tests, benchmarks, an Electron utility process).
 */
export class ChatClient implements ChatApi {
  readonly events = new Emitter<ChatEvents>();
  private session: StoredSession | null = null;
  private api: ApiClient | null = null;
  private store: LocalStore | null = null;
  private engine: SyncEngine | null = null;
  private views: ViewBuilder | null = null;
  private media: MediaCache | null = null;
  /** Upload progress of outbox entries, by key (while their files are being sent). */
  private readonly uploads = new Map<string, { sent: number; total: number }>();
  private readonly logger: EngineLogger;
  private readonly syncOptions: SyncEngineOptions;
  private listTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: ChatClientOptions) {
    this.logger = options.logger ?? silentLogger;
    this.syncOptions = { ...DEFAULT_SYNC_OPTIONS, ...options.sync };
    mkdirSync(options.profileDir, { recursive: true });
  }

  private get outboxFilesDir(): string {
    return path.join(this.options.profileDir, 'outbox-files');
  }

  private get sessionFile(): string {
    return path.join(this.options.profileDir, 'session.json');
  }

  /** Resumes the saved session, if any: opens the cache at once and connects in the background. */
  async start(): Promise<SessionState> {
    if (existsSync(this.sessionFile)) {
      const saved = JSON.parse(readFileSync(this.sessionFile, 'utf8')) as StoredSession;
      if ((await this.options.secrets.get()) !== null) this.open(saved);
      else rmSync(this.sessionFile, { force: true });
    }
    return this.getSession();
  }

  /** Closes the connection and the cache (the session stays saved for the next start). */
  async stop(): Promise<void> {
    this.close();
  }

  private open(session: StoredSession, signedIn?: ApiClient): void {
    this.session = session;
    this.api =
      signedIn ??
      new ApiClient(
        session.serverUrl,
        this.options.secrets,
        this.options.fetch ? { fetch: this.options.fetch } : {},
      );
    this.api.onSignedOut = (reason) => void this.endSession(reason);
    const file = accountDatabasePath(this.options.profileDir, session.serverUrl, session.user.id);
    mkdirSync(path.dirname(file), { recursive: true });
    this.store = new LocalStore(file, session.user.id);
    this.store.upsertUsers([session.user]);
    this.media = new MediaCache(
      path.join(this.options.profileDir, 'media', session.user.id),
      this.store,
      this.api,
    );
    this.views = new ViewBuilder(this.store, (key) => this.uploads.get(key) ?? null);
    this.engine = new SyncEngine(
      this.store,
      this.api,
      {
        connection: (state) => this.events.emit('connection', state),
        changed: (change) => {
          if (change.list) this.scheduleListChange();
          for (const conversationId of change.conversations)
            this.events.emit('messages', { conversationId });
        },
        presence: (info) => this.events.emit('presence', info),
        typing: () => this.scheduleListChange(),
        incoming: (event) => this.announceIncoming(event.conversationId, event.seq),
        upload: (conversationId, key, sent, total) => {
          if (sent >= total) this.uploads.delete(key);
          else this.uploads.set(key, { sent, total });
          this.events.emit('upload', { conversationId, key, sent, total });
        },
        revoked: (reason) => void this.endSession(reason),
        invitation: () => void this.announceInvitations(),
      },
      this.logger,
      this.syncOptions,
      this.options.connect,
      this.media,
    );
    this.engine.start();
  }

  private close(): void {
    if (this.listTimer !== null) clearTimeout(this.listTimer);
    this.listTimer = null;
    this.engine?.stop();
    this.store?.close();
    this.engine = null;
    this.store = null;
    this.views = null;
    this.media = null;
    this.api = null;
  }

  private async endSession(reason: string): Promise<void> {
    const serverUrl = this.session?.serverUrl ?? null;
    this.close();
    this.session = null;
    rmSync(this.sessionFile, { force: true });
    await this.options.secrets.set(null);
    this.events.emit('session', { status: 'signed_out', serverUrl, reason });
  }

  /** Coalesces bursts of changes into one list update per tick. */
  private scheduleListChange(): void {
    if (this.listTimer !== null) return;
    this.listTimer = setTimeout(() => {
      this.listTimer = null;
      if (this.store !== null) this.events.emit('conversations', this.conversationViews());
    }, 0);
  }

  private announceIncoming(conversationId: string, seq: number): void {
    const { store, views } = this.ready();
    const row = store.conversation(conversationId);
    const event = store.eventAt(conversationId, seq);
    if (row === null || event === null) return;
    const conversation = views.conversation(row, []);
    const message = views.page(row, [event], false)[0];
    if (message === undefined) return;
    this.events.emit('incoming', {
      conversationId,
      conversationTitle: conversation.title,
      message,
      muted: row.muted === 1,
    });
  }

  private ready() {
    if (
      this.store === null ||
      this.engine === null ||
      this.api === null ||
      this.views === null ||
      this.media === null ||
      this.session === null
    ) {
      throw new ChatClientError('signed_out', 'Sign in first.');
    }
    return {
      store: this.store,
      engine: this.engine,
      api: this.api,
      views: this.views,
      media: this.media,
      session: this.session,
    };
  }

  /** Runs a server request, turning transport errors into contract errors. */
  private async remote<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof RequestFailed || error instanceof ApiError)
        throw new ChatClientError(error.code, error.message);
      throw error;
    }
  }

  // ---------- session ----------

  async getSession(): Promise<SessionState> {
    if (this.session === null) return { status: 'signed_out', serverUrl: null };
    return {
      status: 'signed_in',
      serverUrl: this.session.serverUrl,
      user: this.session.user,
      deviceId: this.session.deviceId,
    };
  }

  async signUp(input: SignUpInput): Promise<SessionState> {
    return this.signInWith(input.serverUrl, (api, signal) =>
      api.register(
        {
          username: input.username,
          password: input.password,
          ...(input.displayName ? { displayName: input.displayName } : {}),
          device: this.options.device,
        },
        signal,
      ),
    );
  }

  async signIn(input: SignInInput): Promise<SessionState> {
    return this.signInWith(input.serverUrl, (api, signal) =>
      api.login(
        {
          username: input.username,
          password: input.password,
          device: this.options.device,
        },
        signal,
      ),
    );
  }

  /** Stops a sign-in or sign-up that is waiting for the server; it fails with `cancelled`. */
  async cancelSignIn(): Promise<void> {
    this.signingIn?.abort();
  }

  private signingIn: AbortController | null = null;

  private async signInWith(
    serverUrl: string,
    authenticate: (api: ApiClient, signal: AbortSignal) => ReturnType<ApiClient['login']>,
  ): Promise<SessionState> {
    if (this.session !== null)
      throw new ChatClientError('conflict', 'Already signed in; sign out first.');
    const url = normalizeServerUrl(serverUrl);
    const api = new ApiClient(
      url,
      this.options.secrets,
      this.options.fetch ? { fetch: this.options.fetch } : {},
    );
    // A server that accepts the connection but never answers would otherwise leave the form
    // waiting forever: give up after a while, or when the person cancels.
    const cancel = new AbortController();
    this.signingIn?.abort();
    this.signingIn = cancel;
    const signal = AbortSignal.any([
      cancel.signal,
      AbortSignal.timeout(this.options.signInTimeoutMs ?? SIGN_IN_TIMEOUT_MS),
    ]);
    const auth = await this.remote(() => authenticate(api, signal)).finally(() => {
      if (this.signingIn === cancel) this.signingIn = null;
    });
    const session: StoredSession = {
      serverUrl: url,
      user: {
        id: auth.user.id,
        username: auth.user.username,
        displayName: auth.user.displayName,
        lastSeenVisibility: auth.user.lastSeenVisibility,
        groupAdds: auth.user.groupAdds,
      },
      deviceId: auth.device.id,
    };
    writeFileSync(this.sessionFile, JSON.stringify(session));
    this.open(session, api);
    const state = await this.getSession();
    this.events.emit('session', state);
    return state;
  }

  async signOut(): Promise<void> {
    const api = this.api;
    if (api !== null)
      await api
        .logout()
        .catch((error: unknown) => this.logger.warn('logout failed', { error: String(error) }));
    await this.endSession('Signed out.');
  }

  async getConnectionState(): Promise<ConnectionState> {
    return this.engine?.connection ?? 'offline';
  }

  /** Connects now rather than after the back-off delay (the offline banner's "Retry now"). */
  async reconnectNow(): Promise<void> {
    this.engine?.reconnectNow();
  }

  /** Sync now: on wake from sleep and on window focus. */
  resync(): void {
    this.engine?.requestSync();
  }

  /** Resolves when queued sync work has been applied (for tests and benchmarks). */
  async idle(): Promise<void> {
    await this.engine?.idle();
  }

  // ---------- conversations and messages ----------

  private conversationViews(): ConversationView[] {
    const { store, views, engine } = this.ready();
    const rows = store.conversations();
    const list = rows.map((row) => views.conversation(row, engine.typingIn(row.id)));
    return list.sort((a, b) => b.lastActivityAt - a.lastActivityAt);
  }

  async listConversations(): Promise<ConversationView[]> {
    return this.conversationViews();
  }

  private conversationView(conversationId: string): ConversationView {
    const { store, views, engine } = this.ready();
    const row = store.conversation(conversationId);
    if (row === null) throw new ChatClientError('not_found', 'No such conversation.');
    return views.conversation(row, engine.typingIn(conversationId));
  }

  async openConversation(conversationId: string, limit = DEFAULT_PAGE): Promise<MessagePage> {
    const { store, views } = this.ready();
    const row = store.conversation(conversationId);
    if (row === null) throw new ChatClientError('not_found', 'No such conversation.');
    const events = store.latestEvents(conversationId, limit);
    return {
      messages: views.page(row, events, true),
      atStart: row.history_complete === 1 && events.length < limit,
    };
  }

  async loadOlder(
    conversationId: string,
    beforeSeq: number,
    limit = DEFAULT_PAGE,
  ): Promise<MessagePage> {
    const { store, views, engine } = this.ready();
    let row = store.conversation(conversationId);
    if (row === null) throw new ChatClientError('not_found', 'No such conversation.');
    let events = store.eventsBefore(conversationId, beforeSeq, limit);
    if (events.length < limit && row.history_complete === 0) {
      await this.remote(() => engine.fetchOlder(conversationId));
      row = store.conversation(conversationId) ?? row;
      events = store.eventsBefore(conversationId, beforeSeq, limit);
    }
    return {
      messages: views.page(row, events, false),
      atStart: row.history_complete === 1 && events.length < limit,
    };
  }

  async sendMessage(input: {
    conversationId: string;
    text: string;
    replyToSeq?: number;
    files?: OutgoingFile[];
  }): Promise<MessageView> {
    const { store, engine, views } = this.ready();
    const row = store.conversation(input.conversationId);
    if (row === null) throw new ChatClientError('not_found', 'No such conversation.');
    if (row.status === 'left') {
      throw new ChatClientError('forbidden', 'You are no longer a member of this conversation.');
    }
    const files = input.files ?? [];
    if (input.text.trim() === '' && files.length === 0) {
      throw new ChatClientError('invalid_payload', 'A message needs text or a file.');
    }
    if (files.length > ATTACHMENTS_MAX) {
      throw new ChatClientError('invalid_payload', `At most ${ATTACHMENTS_MAX} files per message.`);
    }
    for (const file of files) {
      if (file.bytes.byteLength > MEDIA_MAX_BYTES) {
        throw new ChatClientError(
          'payload_too_large',
          `“${file.name}” is larger than ${MEDIA_MAX_BYTES / 1024 / 1024} MB.`,
        );
      }
    }
    const key = timeOrderedId();
    // The files wait beside the outbox, so a restart before the upload loses nothing.
    const attachments = files.map((file, index) => {
      mkdirSync(this.outboxFilesDir, { recursive: true });
      const stored = path.join(this.outboxFilesDir, `${key}-${index}`);
      writeFileSync(stored, file.bytes);
      return {
        file: stored,
        name: file.name || 'file',
        mime: file.mime || 'application/octet-stream',
        size: file.bytes.byteLength,
      };
    });
    const entry = store.addToOutbox({
      key,
      conversationId: input.conversationId,
      kind: 'send',
      payload: {
        text: input.text,
        ...(input.replyToSeq !== undefined ? { replyToSeq: input.replyToSeq } : {}),
        ...(attachments.length > 0 ? { attachments } : {}),
      },
      at: Date.now(),
    });
    store.setDraft(input.conversationId, '');
    this.scheduleListChange();
    this.events.emit('messages', { conversationId: input.conversationId });
    void engine.flush(input.conversationId);
    const view = views.page(row, [], true).find((m) => m.key === entry.key);
    if (view === undefined) throw new Error('outbox entry vanished');
    return view;
  }

  async messageInfo(input: { conversationId: string; seq: number }): Promise<MessageInfo> {
    const { store, engine, session } = this.ready();
    if (store.conversation(input.conversationId) === null) {
      throw new ChatClientError('not_found', 'No such conversation.');
    }
    let marks = store.members(input.conversationId).map((m) => ({
      userId: m.user_id,
      deliveredSeq: m.delivered_seq,
      receiptSeq: m.receipt_seq,
    }));
    if ((await this.getConnectionState()) === 'online') {
      // The server has every member's marks, also for groups too large to carry them in summaries.
      const answer = await this.remote(() =>
        engine.call('conversation:members', { conversationId: input.conversationId }),
      );
      marks = answer.members;
    }
    const others = marks.filter((m) => m.userId !== session.user.id);
    const users = store.users(others.map((m) => m.userId));
    return {
      members: others.map((m) => ({
        userId: m.userId,
        displayName: users.get(m.userId)?.display_name ?? 'Someone',
        state:
          m.receiptSeq >= input.seq
            ? 'read'
            : Math.max(m.deliveredSeq, m.receiptSeq) >= input.seq
              ? 'delivered'
              : 'sent',
      })),
    };
  }

  async getMedia(input: {
    mediaId: string;
    variant: 'original' | 'thumbnail';
  }): Promise<MediaBytes> {
    const { store, media } = this.ready();
    const local = /^local:([^:]+):(\d+)$/.exec(input.mediaId);
    if (local !== null) {
      // A file still in the outbox: its bytes are here.
      const entry = store.outboxEntry(local[1] ?? '');
      const payload = entry ? (JSON.parse(entry.payload) as SendPayload) : null;
      const attachment = payload?.attachments?.[Number(local[2])];
      if (attachment === undefined) throw new ChatClientError('not_found', 'No such file.');
      return { mime: attachment.mime, bytes: new Uint8Array(readFileSync(attachment.file)) };
    }
    return this.remote(() => media.get(input.mediaId, input.variant));
  }

  async editMessage(input: { conversationId: string; seq: number; text: string }): Promise<void> {
    const { store, engine } = this.ready();
    store.addToOutbox({
      key: timeOrderedId(),
      conversationId: input.conversationId,
      kind: 'edit',
      payload: { seq: input.seq, text: input.text },
      at: Date.now(),
    });
    void engine.flush(input.conversationId);
  }

  async deleteMessage(input: { conversationId: string; seq: number }): Promise<void> {
    const { store, engine } = this.ready();
    store.addToOutbox({
      key: timeOrderedId(),
      conversationId: input.conversationId,
      kind: 'delete',
      payload: { seq: input.seq },
      at: Date.now(),
    });
    void engine.flush(input.conversationId);
  }

  async retryMessage(key: string): Promise<void> {
    const { store, engine } = this.ready();
    const entry = store.outboxEntry(key);
    if (entry === null) return;
    store.retryOutbox(key);
    this.events.emit('messages', { conversationId: entry.conversation_id });
    void engine.flush(entry.conversation_id);
  }

  async discardMessage(key: string): Promise<void> {
    const { store } = this.ready();
    const entry = store.outboxEntry(key);
    if (entry === null || entry.state === 'sent') return;
    store.removeOutbox(key);
    if (entry.kind === 'send') {
      for (const attachment of (JSON.parse(entry.payload) as SendPayload).attachments ?? []) {
        rmSync(attachment.file, { force: true });
      }
    }
    this.events.emit('messages', { conversationId: entry.conversation_id });
    this.scheduleListChange();
  }

  async markRead(conversationId: string): Promise<void> {
    await this.ready().engine.markRead(conversationId);
  }

  async setTyping(conversationId: string, typing: boolean): Promise<void> {
    this.ready().engine.setTyping(conversationId, typing);
  }

  async setDraft(conversationId: string, text: string): Promise<void> {
    this.ready().store.setDraft(conversationId, text);
  }

  async watchPresence(userIds: string[]): Promise<PresenceInfo[]> {
    const { engine } = this.ready();
    return this.remote(() => engine.watchPresence(userIds));
  }

  async startDirectChat(userId: string): Promise<ConversationView> {
    const { engine, store } = this.ready();
    const summary = await this.remote(() => engine.call('conversation:direct', { userId }));
    store.applySummary(summary);
    this.scheduleListChange();
    return this.conversationView(summary.id);
  }

  async createGroup(input: { title: string; memberIds: string[] }): Promise<ConversationView> {
    const { engine, store } = this.ready();
    const me = this.session?.user.id;
    if (!input.memberIds.some((id) => id !== me))
      throw new ChatClientError('invalid_payload', 'A group needs at least one other member.');
    const summary = await this.remote(() =>
      engine.call('group:create', { ...input, opId: timeOrderedId() }),
    );
    store.applySummary(summary);
    this.scheduleListChange();
    return this.conversationView(summary.id);
  }

  async updateGroup(input: GroupChangeInput): Promise<ConversationView> {
    const { engine, store } = this.ready();
    const summary = await this.remote(() =>
      engine.call('group:update', { ...input, opId: timeOrderedId() }),
    );
    store.applySummary(summary);
    this.scheduleListChange();
    return this.conversationView(summary.id);
  }

  async leaveGroup(conversationId: string): Promise<void> {
    const { engine } = this.ready();
    await this.remote(() => engine.call('group:leave', { conversationId, opId: timeOrderedId() }));
  }

  async setMuted(conversationId: string, muted: boolean): Promise<void> {
    const { engine, store } = this.ready();
    store.setMuted(conversationId, muted);
    this.scheduleListChange();
    const summary = await this.remote(() =>
      engine.call('conversation:settings', { conversationId, muted }),
    );
    store.applySummary(summary);
  }

  async searchUsers(query: string): Promise<PublicUser[]> {
    const { api, session } = this.ready();
    const users = await this.remote(() => api.searchUsers(query));
    return users.filter((u) => u.id !== session.user.id);
  }

  async listDevices(): Promise<DeviceInfo[]> {
    const { api } = this.ready();
    return this.remote(() => api.devices());
  }

  async revokeDevice(deviceId: string): Promise<void> {
    const { api } = this.ready();
    await this.remote(() => api.revokeDevice(deviceId));
  }

  async updateProfile(input: {
    displayName?: string;
    lastSeenVisibility?: LastSeenVisibility;
    groupAdds?: GroupAdds;
  }): Promise<SessionState> {
    const { api, session } = this.ready();
    const me = await this.remote(() => api.updateMe(input));
    this.session = {
      ...session,
      user: {
        id: me.id,
        username: me.username,
        displayName: me.displayName,
        lastSeenVisibility: me.lastSeenVisibility,
        groupAdds: me.groupAdds,
      },
    };
    writeFileSync(this.sessionFile, JSON.stringify(this.session));
    const state = await this.getSession();
    this.events.emit('session', state);
    return state;
  }

  async acceptRequest(conversationId: string): Promise<ConversationView> {
    const { engine, store } = this.ready();
    const summary = await this.remote(() =>
      engine.call('request:accept', { conversationId, opId: timeOrderedId() }),
    );
    store.applySummary(summary);
    this.scheduleListChange();
    return this.conversationView(summary.id);
  }

  async deleteRequest(conversationId: string): Promise<void> {
    const { engine, store } = this.ready();
    const summary = await this.remote(() =>
      engine.call('request:delete', { conversationId, opId: timeOrderedId() }),
    );
    store.applySummary(summary);
    this.scheduleListChange();
  }

  async blockUser(userId: string): Promise<void> {
    const { api } = this.ready();
    await this.remote(() => api.updateMe({ block: [userId] }));
  }

  async listInvitations(): Promise<GroupInvitation[]> {
    const { engine } = this.ready();
    return (await this.remote(() => engine.call('invitation:list', {}))).invitations;
  }

  async acceptInvitation(conversationId: string): Promise<ConversationView> {
    const { engine, store } = this.ready();
    const summary = await this.remote(() =>
      engine.call('invitation:accept', { conversationId, opId: timeOrderedId() }),
    );
    store.applySummary(summary);
    this.scheduleListChange();
    void this.announceInvitations();
    return this.conversationView(summary.id);
  }

  async declineInvitation(conversationId: string): Promise<void> {
    const { engine } = this.ready();
    await this.remote(() =>
      engine.call('invitation:decline', { conversationId, opId: timeOrderedId() }),
    );
    void this.announceInvitations();
  }

  /** Tells the screen how many invitations wait (after a push, an answer, or a connect). */
  private async announceInvitations(): Promise<void> {
    try {
      const invitations = await this.listInvitations();
      this.events.emit('invitations', { count: invitations.length });
    } catch (error) {
      this.logger.warn('could not list invitations', { error: String(error) });
    }
  }

  async searchMessages(query: string, limit = 30): Promise<SearchHit[]> {
    const { store, views } = this.ready();
    const rows = store.search(query, limit);
    const conversations = new Map(this.conversationViews().map((c) => [c.id, c]));
    return rows.map((row) => views.searchHit(row, conversations));
  }
}
