import {
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
  const { limit, conversationId } = options as Record<keyof SearchOptions, unknown>;
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1))
    throw invalid('The limit must be a positive whole number.');
  if (conversationId !== undefined && typeof conversationId !== 'string')
    throw invalid('conversationId must be a string.');
  return {
    limit: Math.min(limit ?? DEFAULT_LIMIT, SEARCH_LIMIT_MAX),
    filter: { conversationId },
  };
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
