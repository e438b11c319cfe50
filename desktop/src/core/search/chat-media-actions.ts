import {
  CHAT_MEDIA_PAGE,
  CHAT_MEDIA_SINCE_MAX,
  CHAT_MEDIA_TABS,
  type ChatMediaCount,
  type ChatMediaPage,
  type ChatMediaTab,
} from '../../common/search-contract';
import { ChatClientError, remote } from '../client-errors';
import type { ClientParts } from '../client-parts';
import type { MessageView } from '../../common/message-contract';

/**
 * Server pages (`events:before`) one `listChatMedia` call may fetch while its page is not full: a
 * chat with a document every few hundred messages still answers in a bounded time (so the screen
 * can show how far back it has looked), and the screen asks again while `more` holds: at once when
 * the call found nothing new, else as the person scrolls.
 */
const FETCHES_PER_CALL = 4;

const invalid = (message: string) => new ChatClientError('invalid_payload', message);

/** The renderer is untrusted input to the engine (rpc.ts passes arguments as they came). */
function checked(conversationId: unknown, tab: unknown): { id: string; kind: ChatMediaTab } {
  if (typeof conversationId !== 'string') throw invalid('conversationId must be an id.');
  const kind = CHAT_MEDIA_TABS.find((t) => t === tab);
  if (kind === undefined) throw invalid(`Unknown tab ${String(tab)}.`);
  return { id: conversationId, kind };
}

/**
 * A chat's media, links or docs, newest first (see SearchApi.listChatMedia). The cache holds the
 * chat from its oldest_seq to its last_seq without holes, so when a page runs out, what is missing
 * is older than everything cached: the engine's own history paging fetches it.
 */
export async function listChatMedia(
  { store, views, engine }: ClientParts,
  conversationId: unknown,
  tab: unknown,
  beforeSeq: unknown,
): Promise<ChatMediaPage> {
  const { id, kind } = checked(conversationId, tab);
  if (beforeSeq !== undefined && (typeof beforeSeq !== 'number' || !Number.isInteger(beforeSeq)))
    throw invalid('beforeSeq must be a seq.');
  const below = beforeSeq ?? Number.MAX_SAFE_INTEGER;
  let row = store.conversation(id);
  if (row === null) throw new ChatClientError('not_found', 'No such conversation.');
  let events = store.chatMedia.page(id, kind, below, CHAT_MEDIA_PAGE);
  for (let fetched = 0; events.length < CHAT_MEDIA_PAGE && row.history_complete === 0; fetched++) {
    if (fetched === FETCHES_PER_CALL) break;
    const oldest: number = row.oldest_seq;
    try {
      await remote(() => engine.fetchOlder(id));
    } catch (error) {
      // Offline: what the cache holds is still worth showing; the next scroll tries again.
      if (events.length > 0) break;
      throw error;
    }
    row = store.conversation(id) ?? row;
    if (row.history_complete === 0 && row.oldest_seq === oldest) break;
    events = store.chatMedia.page(id, kind, below, CHAT_MEDIA_PAGE);
  }
  return {
    messages: views.page(row, events, false),
    more: events.length === CHAT_MEDIA_PAGE || row.history_complete === 0,
    complete: row.history_complete === 1,
    cachedFrom: store.chatMedia.cachedFrom(id),
  };
}

/**
 * What an open gallery tab shows again after the chat's messages changed (see
 * SearchApi.listChatMediaSince): the cache only, so it is as cheap as the first page.
 */
export function listChatMediaSince(
  { store, views }: ClientParts,
  conversationId: unknown,
  tab: unknown,
  fromSeq: unknown,
): MessageView[] {
  const { id, kind } = checked(conversationId, tab);
  if (typeof fromSeq !== 'number' || !Number.isInteger(fromSeq))
    throw invalid('fromSeq must be a seq.');
  const row = store.conversation(id);
  if (row === null) throw new ChatClientError('not_found', 'No such conversation.');
  const events = store.chatMedia.from(row.id, kind, fromSeq, CHAT_MEDIA_SINCE_MAX);
  return views.page(row, events, false);
}

/**
 * The info panel's "Media, links and docs N": the cached messages any tab shows, exact once the
 * chat's whole history is on this device.
 */
export function countChatMedia({ store }: ClientParts, conversationId: unknown): ChatMediaCount {
  if (typeof conversationId !== 'string') throw invalid('conversationId must be an id.');
  const row = store.conversation(conversationId);
  if (row === null) throw new ChatClientError('not_found', 'No such conversation.');
  return { count: store.chatMedia.count(conversationId), complete: row.history_complete === 1 };
}
