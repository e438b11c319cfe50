import { useSyncExternalStore } from 'react';
import type { PresenceInfo } from '@chitchat/shared';
import type {
  ConnectionState,
  ConversationView,
  IndexingState,
  SessionState,
} from '../../common/contract';
import type { ChatBridge } from '../../common/rpc';

export interface AppState {
  session: SessionState | null;
  connection: ConnectionState;
  conversations: ConversationView[];
  /** True until the first conversation list after sign-in has arrived. */
  loadingList: boolean;
  activeId: string | null;
  presence: Record<string, PresenceInfo>;
  /** Bumped per conversation when its messages changed: open pages re-read. */
  messageVersions: Record<string, number>;
  panel: Panel | null;
  /** Files dropped on the open chat, waiting for the composer's preview sheet. */
  droppedFiles: File[] | null;
  /** Upload progress of outbox entries with files, by message key. */
  uploads: Record<string, { sent: number; total: number }>;
  /** A message to scroll to once the conversation is open (from search or a reply quote). */
  focusSeq: { conversationId: string; seq: number } | null;
  /** Messages picked for forwarding (selection mode of one conversation), in the order picked. */
  selection: { conversationId: string; seqs: number[] } | null;
  /** The engine indexing messages for search in the background (issue #16), or null when done. */
  indexing: IndexingState | null;
  /** The chat whose in-chat search bar is open (the header's search button, Ctrl/Cmd+F). */
  chatSearch: string | null;
}

export type Panel =
  | { kind: 'new-chat' }
  | { kind: 'new-group' }
  | { kind: 'settings' }
  | { kind: 'starred' }
  | { kind: 'info'; conversationId: string }
  /** A chat's "Media, links and docs" (../components/gallery/MediaGallery), opened from its info. */
  | { kind: 'gallery'; conversationId: string }
  /** The contact info panel of a person (a group member, say): ../components/profile/ContactInfo. */
  | { kind: 'contact'; userId: string }
  | { kind: 'message-info'; conversationId: string; seq: number }
  | { kind: 'forward'; conversationId: string; seqs: number[] }
  /** A group invite link opened (pasted or clicked): ../components/invites/JoinPreview. */
  | { kind: 'join'; link: string };

/** The screen's state, fed by the engine's events; components subscribe to slices of it. */
export class AppStore {
  private state: AppState = {
    session: null,
    connection: 'offline',
    conversations: [],
    loadingList: true,
    activeId: null,
    presence: {},
    messageVersions: {},
    panel: null,
    focusSeq: null,
    uploads: {},
    droppedFiles: null,
    selection: null,
    indexing: null,
    chatSearch: null,
  };
  private readonly listeners = new Set<() => void>();

  constructor(readonly chat: ChatBridge) {
    chat.on('session', (session) => {
      // A profile or privacy change of the same account keeps the screen as it is.
      const previous = this.state.session;
      if (
        previous?.status === 'signed_in' &&
        session.status === 'signed_in' &&
        previous.user.id === session.user.id &&
        previous.serverUrl === session.serverUrl
      ) {
        this.set({ session });
        return;
      }
      this.set({
        session,
        conversations: [],
        activeId: null,
        panel: null,
        loadingList: session.status === 'signed_in',
      });
      if (session.status === 'signed_in') void this.refreshList();
    });
    chat.on('connection', (connection) => {
      // Presence is only known while connected: offline, nobody is shown as online.
      this.set(
        connection === 'online'
          ? { connection }
          : { connection, presence: stalePresence(this.state.presence) },
      );
      // Watches are per connection: ask again after a reconnect.
      if (connection === 'online') {
        this.watchedKey = '';
        void this.watchPeers();
      }
    });
    chat.on('conversations', (conversations) => {
      this.set({ conversations, loadingList: false });
      void this.watchPeers();
    });
    chat.on('messages', ({ conversationId }) =>
      this.set({
        messageVersions: {
          ...this.state.messageVersions,
          [conversationId]: (this.state.messageVersions[conversationId] ?? 0) + 1,
        },
      }),
    );
    chat.on('upload', ({ key, sent, total }) => {
      const uploads = { ...this.state.uploads };
      if (sent >= total) delete uploads[key];
      else uploads[key] = { sent, total };
      this.set({ uploads });
    });
    chat.on('indexing', (indexing) => this.set({ indexing: indexing.active ? indexing : null }));
    chat.on('presence', (info) =>
      this.set({ presence: { ...this.state.presence, [info.userId]: info } }),
    );
  }

  async init(): Promise<void> {
    const [session, connection] = await Promise.all([
      this.chat.getSession(),
      this.chat.getConnectionState(),
    ]);
    this.set({ session, connection });
    if (session.status === 'signed_in') await this.refreshList();
  }

  async refreshList(): Promise<void> {
    // Indexing may have begun before this screen listened (an upgraded cache at start-up).
    void this.chat.getIndexing().then(
      (indexing) => this.set({ indexing: indexing.active ? indexing : null }),
      () => undefined,
    );
    const conversations = await this.chat.listConversations();
    this.set({
      conversations,
      loadingList: conversations.length === 0 && this.state.connection !== 'online',
    });
    await this.watchPeers();
  }

  private watchedKey = '';

  /** Presence of everyone in a direct chat (the dots and the header subtitle); re-asked when they change. */
  private async watchPeers(): Promise<void> {
    const peers = [
      ...new Set(this.state.conversations.flatMap((c) => (c.peer ? [c.peer.id] : []))),
    ].sort();
    // An answered message request changes who may see whom: ask again then too.
    const requests = this.state.conversations.flatMap((c) =>
      c.request ? [`${c.id}:${c.request}`] : [],
    );
    const key = `${peers.join(',')}|${requests.sort().join(',')}`;
    if (key === this.watchedKey || peers.length === 0) return;
    this.watchedKey = key;
    const presence = await this.chat.watchPresence(peers).catch(() => []);
    const next = { ...this.state.presence };
    for (const info of presence) next[info.userId] = info;
    this.set({ presence: next });
  }

  get snapshot(): AppState {
    return this.state;
  }

  set(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Picks a message for forwarding, or drops it again (selection mode ends with none left). */
  toggleSelected(conversationId: string, seq: number): void {
    const current =
      this.state.selection?.conversationId === conversationId ? this.state.selection.seqs : [];
    const seqs = current.includes(seq) ? current.filter((s) => s !== seq) : [...current, seq];
    this.set({ selection: seqs.length > 0 ? { conversationId, seqs } : null });
  }

  open(conversationId: string | null, focusSeq?: number): void {
    this.set({
      selection: null,
      activeId: conversationId,
      // The in-chat search bar belongs to the chat it was opened in.
      chatSearch: this.state.chatSearch === conversationId ? conversationId : null,
      focusSeq:
        conversationId !== null && focusSeq !== undefined
          ? { conversationId, seq: focusSeq }
          : null,
    });
    window.chitchatShell?.setActiveConversation(conversationId);
  }
}

/** What is still true of presence without a connection: last-seen times, nobody online. */
function stalePresence(presence: Record<string, PresenceInfo>): Record<string, PresenceInfo> {
  return Object.fromEntries(
    Object.entries(presence).map(([id, info]) => [
      id,
      info.online ? { ...info, online: false, lastSeenAt: null } : info,
    ]),
  );
}

export function useAppState<T>(store: AppStore, select: (state: AppState) => T): T {
  return useSyncExternalStore(store.subscribe, () => select(store.snapshot));
}
