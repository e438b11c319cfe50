import type { ConversationView } from '../common/contract';
import type { StoredSession } from './account-paths';
import type { ApiClient } from './api-client';
import type { ConversationList } from './conversation-list';
import type { LocalStore } from './local-store/index';
import type { MediaCache } from './media-cache';
import type { SyncEngine } from './sync-engine';
import type { ViewBuilder } from './views';
import type { HostFiles } from './host';

/** What a signed-in ChatClient is made of; the area modules work on these. */
export interface ClientParts {
  store: LocalStore;
  engine: SyncEngine;
  api: ApiClient;
  views: ViewBuilder;
  list: ConversationList;
  media: MediaCache;
  session: StoredSession;
  /** The host's files (outbox attachments wait there). */
  files: HostFiles;
}

/** The parts plus what an action may tell the screen. */
export interface ClientContext extends ClientParts {
  /** The conversation list changed (coalesced into one `conversations` event). */
  listChanged(): void;
  /** Messages of a conversation changed (the `messages` event). */
  messagesChanged(conversationId: string): void;
  /** The current view of one conversation. */
  conversationView(conversationId: string): ConversationView;
}
