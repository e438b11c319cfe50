import { useEffect, useState } from 'react';
import type { SearchHit } from '../../../common/contract';
import { listTime } from '../../format';
import type { AppStore } from '../../state/store';

export function MessageHits({ store, query }: { store: AppStore; query: string }) {
  const [hits, setHits] = useState<SearchHit[]>([]);
  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => {
      store.chat.searchMessages(query).then(
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
  }, [store, query]);
  if (hits.length === 0) return null;
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
                <time className="row-time">{listTime(hit.createdAt)}</time>
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
