import type { ChatEvents, ConversationView } from '../common/contract';
import { accountDatabasePath, type StoredSession } from './account-paths';
import type { ApiClient } from './api-client';
import type { EngineHost, HostFiles } from './host';
import { DraftSender } from './chat-list-actions';
import type { ClientParts } from './client-parts';
import { ConversationList } from './conversation-list';
import type { Emitter, EngineLogger } from './emitter';
import { LocalStore } from './local-store/index';
import { MediaCache } from './media-cache';
import { BackgroundIndexer } from './search/indexer';
import { HistoryDownload } from './search/history-download';
import { JoinRequestState } from './invite-links';
import { SyncEngine, type SocketFactory, type SyncEngineOptions } from './sync-engine';
import { ViewBuilder } from './views';

/** What a signed-in session needs from the client around it. */
export interface SessionHost {
  /** The profile's folder (the cache database and media live under it). */
  profileDir: string;
  /** The host's parts (host.ts): the SQLite driver the cache opens with. */
  platform: EngineHost;
  events: Emitter<ChatEvents>;
  logger: EngineLogger;
  syncOptions: SyncEngineOptions;
  connect: SocketFactory | undefined;
  /** The server ended the session (revoked elsewhere, signed out, account disabled). */
  ended(reason: string): void;
  /** Invitations may have changed (a push or a connect): the client recounts them. */
  invitationsChanged(): void;
  /** The person's own profile changed, maybe on another device: the client reloads it. */
  ownProfileChanged(): void;
}

/**
 * One signed-in account on this device: its cache database, media cache, views and the sync engine,
 * wired to the screen's events. Made on sign-in (or on start with a saved session) and closed on
 * sign-out; ChatClient's actions work on its parts.
 */
export class SignedInSession implements ClientParts {
  readonly store: LocalStore;
  readonly engine: SyncEngine;
  readonly views: ViewBuilder;
  readonly list: ConversationList;
  readonly media: MediaCache;
  readonly files: HostFiles;
  /** Sends drafts to the person's other devices once typing pauses. */
  readonly drafts: DraftSender;
  /** Builds the word index of messages cached before it existed (issue #16). */
  readonly indexer: BackgroundIndexer;
  /** "Download all history" in the background, resumed after a restart (issue #16). */
  readonly history: HistoryDownload;
  /** Approval queues of groups and the person's own join requests (issue #15). */
  readonly joinRequests: JoinRequestState;
  /** Upload progress of outbox entries, by key (while their files are being sent). */
  private readonly uploads = new Map<string, { sent: number; total: number }>();
  private listTimer: ReturnType<typeof setTimeout> | null = null;
  /** Set by close(): what the engine still reports on its way down changes no list. */
  private closed = false;
  /** Fires when the soonest mute-until ends, so the chat shows (and notifies) unmuted again. */
  private muteTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    public session: StoredSession,
    readonly api: ApiClient,
    private readonly host: SessionHost,
  ) {
    const { profileDir, events } = host;
    const { files } = host.platform;
    this.files = files;
    const file = accountDatabasePath(profileDir, session.serverUrl, session.user.id, host.platform);
    // better-sqlite3 does not make the folder of a new database file.
    files.makeDir(files.dirname(file));
    this.store = new LocalStore(host.platform.sql.openDatabase(file), session.user.id);
    this.store.upsertUsers([session.user]);
    this.joinRequests = new JoinRequestState(session.user.id, events, host.logger);
    this.media = new MediaCache(
      files.join(profileDir, 'media', session.user.id),
      this.store,
      api,
      host.platform,
    );
    this.views = new ViewBuilder(this.store, (key) => this.uploads.get(key) ?? null);
    this.list = new ConversationList(this.store, this.views, (conversationId) =>
      this.engine.typingIn(conversationId),
    );
    this.engine = new SyncEngine(
      this.store,
      api,
      {
        connection: (state) => {
          events.emit('connection', state);
          // Pushes of join requests sent while offline were missed: read the queues again; and
          // settings changed on another device meanwhile (`user:changed` about oneself).
          if (state === 'online') {
            void this.joinRequests.refresh((e, p) => this.engine.call(e, p));
            host.ownProfileChanged();
          }
        },
        changed: (change) => {
          if (change.list) this.scheduleListChange();
          for (const conversationId of change.conversations)
            events.emit('messages', { conversationId });
        },
        presence: (info) => events.emit('presence', info),
        typing: (conversationId) => {
          this.list.typing(conversationId);
          this.scheduleListChange();
        },
        incoming: (event) => this.announceIncoming(event.conversationId, event.seq),
        upload: (conversationId, key, sent, total) => {
          if (sent >= total) this.uploads.delete(key);
          else this.uploads.set(key, { sent, total });
          events.emit('upload', { conversationId, key, sent, total });
        },
        revoked: (reason) => host.ended(reason),
        invitation: () => host.invitationsChanged(),
        joinRequest: (update) => {
          this.joinRequests.onPush(update);
          // Approved: the group is the person's now; fetch it rather than wait for the next sync.
          if (update.user.id === session.user.id && update.status === 'accepted')
            this.engine.requestSync();
        },
        ownProfile: () => host.ownProfileChanged(),
      },
      host.logger,
      host.syncOptions,
      host.connect,
      this.media,
      files,
    );
    this.drafts = new DraftSender(() => this.engine.account.flush());
    this.indexer = new BackgroundIndexer(
      this.store.searchIndex,
      (state) => events.emit('indexing', state),
      host.logger,
    );
    this.history = new HistoryDownload(
      this.store,
      this.engine,
      (state) => events.emit('historyDownload', state),
      host.logger,
    );
    this.engine.start();
    this.indexer.start();
    this.history.resume();
  }

  /** Stops sync and closes the cache; the session stays saved on disk. */
  close(): void {
    this.closed = true;
    if (this.listTimer !== null) clearTimeout(this.listTimer);
    this.listTimer = null;
    if (this.muteTimer !== null) clearTimeout(this.muteTimer);
    this.muteTimer = null;
    this.drafts.stop();
    this.indexer.stop();
    this.history.stop();
    this.engine.stop();
    this.store.close();
  }

  /** Coalesces bursts of changes into one list update per tick. */
  scheduleListChange(): void {
    if (this.closed || this.listTimer !== null) return;
    this.listTimer = setTimeout(() => {
      this.listTimer = null;
      const views = this.list.list();
      this.host.events.emit('conversations', views);
      this.watchMuteEnds(views);
    }, 0);
  }

  /** Sets a timer for the soonest mute-until still ahead (views hold `muted` as built). */
  private watchMuteEnds(views: readonly ConversationView[]): void {
    if (this.muteTimer !== null) clearTimeout(this.muteTimer);
    this.muteTimer = null;
    const now = Date.now();
    let soonest: { at: number } | null = null;
    for (const view of views) {
      const at = view.mutedUntil === null ? NaN : Date.parse(view.mutedUntil);
      if (Number.isFinite(at) && at > now && (soonest === null || at < soonest.at))
        soonest = { at };
    }
    if (soonest === null) return;
    // setTimeout holds at most about 24.8 days; a longer wait is set again when it fires.
    this.muteTimer = setTimeout(
      () => {
        this.muteTimer = null;
        // Every mute that has ended by now (several may end at once).
        const at = Date.now();
        for (const view of this.list.list())
          if (view.mutedUntil !== null && Date.parse(view.mutedUntil) <= at)
            this.list.expired(view.id);
        this.scheduleListChange();
      },
      Math.min(soonest.at - now + 20, 2 ** 31 - 1),
    );
  }

  /** A message from someone else arrived live: the screen may notify. */
  private announceIncoming(conversationId: string, seq: number): void {
    const row = this.store.conversation(conversationId);
    const event = this.store.eventAt(conversationId, seq);
    const conversation = this.list.view(conversationId);
    if (row === null || event === null || conversation === null) return;
    const message = this.views.page(row, [event], false)[0];
    if (message === undefined) return;
    // The chat's photo as the notification's icon, when a form the OS can show is cached.
    const icon = conversation.photo === null ? null : this.media.imageFile(conversation.photo);
    this.host.events.emit('incoming', {
      conversationId,
      conversationTitle: conversation.title,
      message,
      muted: conversation.muted,
      previews: this.session.user.notificationPreviews !== false,
      ...(icon !== null ? { iconFile: icon } : {}),
    });
  }
}
