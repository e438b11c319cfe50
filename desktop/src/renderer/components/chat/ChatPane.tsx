import { useRef, useState } from 'react';
import type { MessageView } from '../../../common/contract';
import { useAppState, type AppStore } from '../../state/store';
import { canEdit } from './canEdit';
import { Composer } from './Composer';
import { sendBlocked } from '../groups/groupRules';
import { ConversationHeader } from './ConversationHeader';
import { EmptyChat } from './EmptyChat';
import { MessageList } from './MessageList';
import { SelectionBar } from './SelectionBar';
import { RequestBanner } from '../requests/RequestBanner';
import { PinnedBar } from '../pins/PinnedBar';
import { ChatSearchBar } from '../search/ChatSearchBar';

export function ChatPane({ store, conversationId }: { store: AppStore; conversationId: string }) {
  const conversation = useAppState(store, (s) =>
    s.conversations.find((c) => c.id === conversationId),
  );
  const [replyTo, setReplyTo] = useState<MessageView | null>(null);
  const [editing, setEditing] = useState<MessageView | null>(null);
  const lastOwn = useRef<MessageView | null>(null);
  const [dragging, setDragging] = useState(false);
  const searching = useAppState(store, (s) => s.chatSearch === conversationId);
  const selection = useAppState(store, (s) =>
    s.selection?.conversationId === conversationId ? s.selection.seqs : null,
  );
  if (conversation === undefined) return <EmptyChat />;
  return (
    <section
      className={`chat${dragging ? ' dragging' : ''}`}
      aria-label={`Chat with ${conversation.title}`}
      onDragOver={(e) => {
        if (conversation.status !== 'active' || !e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        if (conversation.status === 'active' && e.dataTransfer.files.length > 0) {
          store.set({ droppedFiles: Array.from(e.dataTransfer.files) });
        }
      }}
    >
      {dragging && <div className="drop-hint">Drop files to send them</div>}
      <ConversationHeader store={store} conversation={conversation} />
      {searching && <ChatSearchBar store={store} conversationId={conversation.id} />}
      <PinnedBar store={store} conversation={conversation} />
      <MessageList
        store={store}
        conversation={conversation}
        onReply={(m) => {
          setEditing(null);
          setReplyTo(m);
        }}
        onEdit={(m) => {
          setReplyTo(null);
          setEditing(m);
        }}
        onLastOwn={(m) => (lastOwn.current = m)}
      />
      <RequestBanner store={store} conversation={conversation} />
      {selection !== null ? (
        <SelectionBar store={store} conversationId={conversation.id} seqs={selection} />
      ) : sendBlocked(conversation) === 'left' ? (
        <div className="composer-closed" role="note">
          You can't send messages to this group because you're no longer a member.
        </div>
      ) : sendBlocked(conversation) === 'admins' ? (
        <div className="composer-closed" role="note">
          Only admins can send messages
        </div>
      ) : (
        <Composer
          store={store}
          conversation={conversation}
          replyTo={replyTo}
          editing={editing}
          onCancel={() => {
            setReplyTo(null);
            setEditing(null);
          }}
          onEditLast={() => {
            const m = lastOwn.current;
            if (m && canEdit(m)) setEditing(m);
          }}
        />
      )}
    </section>
  );
}
