import { useState } from 'react';
import type { ConversationView } from '../../../common/contract';
import { errorText } from '../../format';
import type { AppStore } from '../../state/store';

/**
 * A message request (someone who is not your contact wrote first): what they can and cannot see of
 * you, and Accept / Delete / Block. Shown in place of nothing else, above the composer, so replying
 * (which also accepts) stays possible.
 */
export function RequestBanner({
  store,
  conversation,
}: {
  store: AppStore;
  conversation: ConversationView;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (conversation.request === 'outgoing') {
    return (
      <div className="composer-closed" role="note">
        {conversation.title} has not accepted your message request yet: you see when messages are
        delivered, not when they are read.
      </div>
    );
  }
  if (conversation.request !== 'incoming') return null;
  const act = (work: () => Promise<unknown>) => {
    setBusy(true);
    work().then(
      () => setBusy(false),
      (e: unknown) => {
        setBusy(false);
        setError(errorText(e));
      },
    );
  };
  const peerId = conversation.peer?.id;
  return (
    <div className="composer-closed request-banner" role="region" aria-label="Message request">
      <p>
        <strong dir="auto">{conversation.title}</strong> is not in your contacts. Until you reply or
        accept, they don't see when you read their messages, when you type, or when you're online.
      </p>
      <div className="toolbar">
        <button
          className="primary"
          disabled={busy}
          onClick={() => act(() => store.chat.acceptRequest(conversation.id))}
        >
          Accept
        </button>
        <button
          disabled={busy}
          onClick={() =>
            act(async () => {
              await store.chat.deleteRequest(conversation.id);
              store.set({ activeId: null });
            })
          }
        >
          Delete
        </button>
        {peerId !== undefined && (
          <button
            className="danger"
            disabled={busy}
            onClick={() => {
              if (!window.confirm(`Block ${conversation.title}? They can no longer message you.`))
                return;
              act(async () => {
                await store.chat.blockUser(peerId);
                await store.chat.deleteRequest(conversation.id);
                store.set({ activeId: null });
              });
            }}
          >
            Block
          </button>
        )}
      </div>
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
