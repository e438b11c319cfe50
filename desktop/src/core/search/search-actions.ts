import {
  SEARCH_KINDS,
  SEARCH_LIMIT_MAX,
  type IndexingState,
  type SearchHit,
  type SearchOptions,
} from '../../common/search-contract';
import { ChatClientError } from '../client-errors';
import type { SearchFilter } from '../local-store/index';
import type { SignedInSession } from '../signed-in-session';

/** Hits a search answers when the screen names no limit. */
const DEFAULT_LIMIT = 30;

/**
 * The renderer is untrusted input to the engine (rpc.ts passes arguments as they came): only
 * fields of the right type count, and anything else is refused with `invalid_payload`.
 */
function filterOf(options: unknown): { limit: number; filter: SearchFilter } {
  if (options === undefined || options === null) return { limit: DEFAULT_LIMIT, filter: {} };
  if (typeof options !== 'object') throw invalid('Search options must be an object.');
  const { limit, conversationId, senderId, kinds, after, before } = options as Record<
    keyof SearchOptions,
    unknown
  >;
  if (limit !== undefined && !isCount(limit))
    throw invalid('The limit must be a positive whole number.');
  const filter: SearchFilter = {
    conversationId: optionalText(conversationId, 'conversationId'),
    senderId: optionalText(senderId, 'senderId'),
    after: optionalTime(after, 'after'),
    before: optionalTime(before, 'before'),
  };
  if (kinds !== undefined) {
    if (!Array.isArray(kinds) || kinds.length > SEARCH_KINDS.length)
      throw invalid('kinds must be a short list.');
    filter.kinds = kinds.map((kind: unknown) => {
      const known = SEARCH_KINDS.find((k) => k === kind);
      if (known === undefined) throw invalid(`Unknown kind ${String(kind)}.`);
      return known;
    });
  }
  return {
    limit: Math.min(typeof limit === 'number' ? limit : DEFAULT_LIMIT, SEARCH_LIMIT_MAX),
    filter,
  };
}

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1;

function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 200) throw invalid(`${name} must be an id.`);
  return value;
}

function optionalTime(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalid(`${name} must be a time in ms.`);
  return value;
}

const invalid = (message: string) => new ChatClientError('invalid_payload', message);

export function searchMessages(
  current: SignedInSession,
  query: unknown,
  options: unknown,
): SearchHit[] {
  if (typeof query !== 'string') throw invalid('The query must be text.');
  const { limit, filter } = filterOf(options);
  const rows = current.store.search(query.slice(0, 500), limit, filter);
  const conversations = new Map(current.list.list().map((c) => [c.id, c]));
  return rows.map((row) => current.views.searchHit(row, conversations));
}

export const indexingState = (current: SignedInSession): IndexingState => current.indexer.state();

export const downloadAllHistory = (current: SignedInSession) => current.history.start();
export const historyDownloadState = (current: SignedInSession) => current.history.state();
export { countChatMedia, listChatMedia, listChatMediaSince } from './chat-media-actions';
