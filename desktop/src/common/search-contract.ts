import type { MessageView } from './message-contract';

/*
 * The search part of the contract between the screen and the engine (issue #16): message search
 * over the local cache in every script, inside one chat or with filters, and the background
 * indexing that keeps it complete. ChatApi and ChatEvents (contract.ts) include these.
 */

export interface SearchHit {
  conversationId: string;
  conversationTitle: string;
  seq: number;
  senderId: string;
  senderName: string;
  createdAt: number;
  /** The matching text around the hit, split into plain and highlighted parts. */
  snippet: { text: string; highlight: boolean }[];
}

/**
 * Kinds of message a search can be narrowed to: photos and videos, documents (other files), links,
 * voice notes.
 */
export type SearchKind = 'media' | 'document' | 'link' | 'voice';
export const SEARCH_KINDS: readonly SearchKind[] = ['media', 'document', 'link', 'voice'];

/**
 * What a message search looks at besides its words; every field narrows it. Without words, any
 * field but `conversationId` lists what it names, newest first (a chat's photos, a person's links).
 */
export interface SearchOptions {
  /** The most hits answered (default 30, at most SEARCH_LIMIT_MAX). */
  limit?: number;
  /** Only this chat (search inside a chat). */
  conversationId?: string;
  /** Only messages from this person. */
  senderId?: string;
  /** Only messages of any of these kinds. */
  kinds?: SearchKind[];
  /** Sent at or after this time (ms since the epoch). */
  after?: number;
  /** Sent before this time (ms since the epoch). */
  before?: number;
}

/** The most hits one search answers (search inside a chat counts its hits up to this). */
export const SEARCH_LIMIT_MAX = 1000;

/**
 * The cache's word index being built or rebuilt in the background (an upgraded cache, or a new
 * ICU segmenter after an app update): search works meanwhile, over what is indexed so far.
 */
export interface IndexingState {
  active: boolean;
  /** 0–100 while active; 100 when done. */
  percent: number;
}

/** "Download all history" (settings): how many chats hold their whole history on this device. */
export interface HistoryDownloadState {
  /** Still paging (also across restarts, until every chat is complete). */
  active: boolean;
  chatsComplete: number;
  chats: number;
}

/**
 * The tabs of a chat's "Media, links and docs" (the contact and group info panels): photos and
 * videos, messages with links, documents (files that are neither visual nor a voice note). The
 * same classification as the search kinds of the same names.
 */
export type ChatMediaTab = 'media' | 'link' | 'document';
export const CHAT_MEDIA_TABS: readonly ChatMediaTab[] = ['media', 'link', 'document'];

/** One page of a chat's media, links or docs, newest first. */
export interface ChatMediaPage {
  messages: MessageView[];
  /**
   * Older ones may exist, in the cache or still on the server: ask again with the seq of the last
   * message. False once the chat's whole history is here and nothing older matches.
   */
  more: boolean;
  /** The chat's whole history is on this device (what the tabs show is all there is). */
  complete: boolean;
  /**
   * When the oldest message this device holds of the chat was sent: how far back the tabs have
   * looked so far ("Looked back to 3 March"); null when it holds none.
   */
  cachedFrom: number | null;
}

/**
 * The info panel's "Media, links and docs N": what this device holds, and whether that is the
 * whole chat (else the screen says "N on this device").
 */
export interface ChatMediaCount {
  count: number;
  complete: boolean;
}

/** Messages per page of `listChatMedia`. */
export const CHAT_MEDIA_PAGE = 60;

/** The most messages `listChatMediaSince` answers (a gallery scrolled far back asks for more). */
export const CHAT_MEDIA_SINCE_MAX = 5000;

export interface SearchApi {
  /** Messages in the local cache holding every word typed (the last as a prefix), newest first. */
  searchMessages(query: string, options?: SearchOptions): Promise<SearchHit[]>;
  /** Where the background indexing stands (the `indexing` event tells every change). */
  getIndexing(): Promise<IndexingState>;
  /**
   * Pages every chat's older history from the server in the background (resumed after a restart)
   * so search covers all of it; the `historyDownload` event tells the progress.
   */
  downloadAllHistory(): Promise<HistoryDownloadState>;
  getHistoryDownload(): Promise<HistoryDownloadState>;
  /**
   * A chat's photos and videos, links or documents, newest first, older than `beforeSeq` when
   * given: from the local cache, paging older history from the server (`events:before`) when the
   * cache runs out before a page is full.
   */
  listChatMedia(
    conversationId: string,
    tab: ChatMediaTab,
    beforeSeq?: number,
  ): Promise<ChatMediaPage>;
  /**
   * The tab's messages at or after `fromSeq`, newest first, from the cache only (at most
   * CHAT_MEDIA_SINCE_MAX): an open gallery reads again what it shows when the chat's messages
   * change (a new photo, a delete, an edit that adds a link), without paging the server.
   */
  listChatMediaSince(
    conversationId: string,
    tab: ChatMediaTab,
    fromSeq: number,
  ): Promise<MessageView[]>;
  /**
   * How many messages of the chat this device holds with media, links or documents, and whether
   * it holds the chat's whole history (then the count is exact).
   */
  countChatMedia(conversationId: string): Promise<ChatMediaCount>;
}

export interface SearchEvents {
  /** The background indexing moved on (or finished: `active` false). */
  indexing: IndexingState;
  /** "Download all history" moved on (or finished: `active` false). */
  historyDownload: HistoryDownloadState;
}

export const SEARCH_API_METHODS = [
  'searchMessages',
  'getIndexing',
  'downloadAllHistory',
  'getHistoryDownload',
  'listChatMedia',
  'listChatMediaSince',
  'countChatMedia',
] as const satisfies readonly (keyof SearchApi)[];
export const SEARCH_EVENT_NAMES = [
  'indexing',
  'historyDownload',
] as const satisfies readonly (keyof SearchEvents)[];
