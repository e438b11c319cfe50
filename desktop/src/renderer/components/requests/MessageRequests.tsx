import { useState } from 'react';
import type { ConversationView } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { ChatRow } from '../sidebar/ChatRow';

/** Incoming message requests, apart from the chats: a collapsible "Message requests" entry. */
export function MessageRequests({
  store,
  requests,
}: {
  store: AppStore;
  requests: ConversationView[];
}) {
  const [open, setOpen] = useState(true);
  if (requests.length === 0) return null;
  return (
    <section className="message-requests" aria-label="Message requests">
      <button className="list-note" aria-expanded={open} onClick={() => setOpen(!open)}>
        Message requests ({requests.length})
      </button>
      {open && (
        <ul role="list">
          {requests.map((c, i) => (
            <li key={c.id}>
              <ChatRow store={store} conversation={c} tabStop={i === 0} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Splits the list: requests waiting for an answer, the chats, and deleted requests (hidden). */
export function splitRequests(conversations: readonly ConversationView[]) {
  return {
    requests: conversations.filter((c) => c.request === 'incoming'),
    chats: conversations.filter((c) => c.request !== 'incoming' && c.request !== 'deleted'),
  };
}
