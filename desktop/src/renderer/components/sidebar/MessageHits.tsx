import { useEffect, useState } from 'react';
import type { SearchHit, SearchOptions } from '../../../common/contract';
import { listTime } from '../../format';
import type { AppStore } from '../../state/store';

/**
 * The "Messages" group of the chat list's search: newest first, each with its chat, sender, date
 * and the snippet with the words found highlighted; a click opens the chat at the message.
 */
export function MessageHits({
  store,
  query,
  options = {},
}: {
  store: AppStore;
  query: string;
  options?: SearchOptions;
}) {
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const key = JSON.stringify(options);
  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => {
      store.chat.searchMessages(query, JSON.parse(key) as SearchOptions).then(
        (found) => {
          if (!cancelled) setHits(found);
        },
        () => undefined,
      );
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [store, query, key]);
  if (hits === null) return null;
  if (hits.length === 0)
    return Object.keys(options).length > 0 ? <p className="list-note">No messages match.</p> : null;
  return (
    <section className="search-hits" aria-label="Messages">
      <h2>Messages</h2>
      <ul role="list">
        {hits.map((hit) => (
          <li key={`${hit.conversationId}:${hit.seq}`}>
            <button className="hit-row" onClick={() => store.open(hit.conversationId, hit.seq)}>
              <span className="row-top">
                <span className="row-title" dir="auto">
                  {hit.conversationTitle}
                </span>
                <time className="row-time" dateTime={new Date(hit.createdAt).toISOString()}>
                  {listTime(hit.createdAt)}
                </time>
              </span>
              <span className="hit-snippet" dir="auto">
                <span dir="auto">{hit.senderName}</span>:{' '}
                {hit.snippet.map((part, i) =>
                  part.highlight ? (
                    <mark key={i}>{part.text}</mark>
                  ) : (
                    <span key={i}>{part.text}</span>
                  ),
                )}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
