import { useEffect, useState } from 'react';
import type { StarredMessage } from '../../../common/contract';
import { listTime } from '../../format';
import { useAppState, type AppStore } from '../../state/store';
import { StarIcon } from '../chat/StarIcon';

/** "Starred messages": every message this person starred, on any of their devices; opens at it. */
export function StarredMessages({ store }: { store: AppStore }) {
  const [starred, setStarred] = useState<StarredMessage[] | null>(null);
  // Any change of messages (a star on another device, say) re-reads the list.
  const versions = useAppState(store, (s) => s.messageVersions);
  useEffect(() => {
    let cancelled = false;
    store.chat.listStarred().then(
      (found) => {
        if (!cancelled) setStarred(found);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [store, versions]);
  if (starred === null) return null;
  if (starred.length === 0)
    return (
      <p className="starred-empty muted">
        No starred messages yet. Star a message (hover it, or press S on it) to find it here.
      </p>
    );
  return (
    <ul className="starred-list" role="list" aria-label="Starred messages">
      {starred.map(({ conversationId, conversationTitle, message }) => (
        <li key={`${conversationId}:${message.seq ?? message.key}`}>
          <button
            className="hit-row"
            onClick={() => {
              store.set({ panel: null });
              if (message.seq !== null) store.open(conversationId, message.seq);
            }}
          >
            <span className="row-top">
              <span className="row-title" dir="auto">
                {whoAndWhere(message.own ? 'You' : message.senderName, conversationTitle)}
              </span>
              <time className="row-time">{listTime(message.createdAt)}</time>
            </span>
            <span className="hit-snippet" dir="auto">
              <StarIcon filled size={12} />{' '}
              {message.deletedAt !== null
                ? 'This message was deleted'
                : (message.text ?? (message.attachments.length > 0 ? '📎 Attachment' : ''))}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

/** "Ben" in Ben's direct chat, "Ben · Team" in a group (the chat's name only when it adds something). */
const whoAndWhere = (sender: string, chat: string) =>
  sender === chat ? sender : `${sender} · ${chat}`;
