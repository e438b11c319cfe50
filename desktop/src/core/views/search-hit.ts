import type { ConversationView, SearchHit } from '../../common/contract';
import {
  HIGHLIGHT_END,
  HIGHLIGHT_START,
  type LocalStore,
  type SearchRow,
} from '../local-store/index';
import { nameOf } from './names';

/** A search result as the search panel lists it. */
export function searchHitView(
  store: LocalStore,
  row: SearchRow,
  conversations: Map<string, ConversationView>,
): SearchHit {
  const users = store.users([row.sender_user_id]);
  return {
    conversationId: row.conversation_id,
    conversationTitle: conversations.get(row.conversation_id)?.title ?? '',
    seq: row.seq,
    senderId: row.sender_user_id,
    senderName: nameOf(store, users, row.sender_user_id),
    createdAt: row.created_at,
    snippet: splitSnippet(row.snippet),
  };
}

/** Splits FTS5 snippet text with highlight marks into plain and highlighted parts. */
export function splitSnippet(snippet: string): SearchHit['snippet'] {
  const parts: SearchHit['snippet'] = [];
  let rest = snippet;
  while (rest.length > 0) {
    const start = rest.indexOf(HIGHLIGHT_START);
    if (start === -1) {
      parts.push({ text: rest, highlight: false });
      break;
    }
    if (start > 0) parts.push({ text: rest.slice(0, start), highlight: false });
    const end = rest.indexOf(HIGHLIGHT_END, start);
    const stop = end === -1 ? rest.length : end;
    parts.push({ text: rest.slice(start + 1, stop), highlight: true });
    rest = end === -1 ? '' : rest.slice(end + 1);
  }
  return parts;
}
