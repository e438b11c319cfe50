import { useEffect, useState } from 'react';
import type { ConversationView, SearchHit } from '../../common/contract';
import { listTime } from '../format';
import { useAppState, type AppStore } from '../state/store';
import { Avatar } from './Avatar';
import {
  IconAlert,
  IconClock,
  IconDoubleTick,
  IconGroup,
  IconMuted,
  IconNewChat,
  IconSettings,
  IconTick,
} from './Icons';

export function Sidebar({ store }: { store: AppStore }) {
  const session = useAppState(store, (s) => s.session);
  const conversations = useAppState(store, (s) => s.conversations);
  const loading = useAppState(store, (s) => s.loadingList);
  const [query, setQuery] = useState('');
  const me = session?.status === 'signed_in' ? session.user : null;
  const filtered = query.trim()
    ? conversations.filter((c) => c.title.toLowerCase().includes(query.trim().toLowerCase()))
    : conversations;

  return (
    <aside className="sidebar" aria-label="Chats">
      <header className="sidebar-header">
        {me && <Avatar id={me.id} name={me.displayName} size={36} />}
        <span className="sidebar-title">Chats</span>
        <div className="toolbar">
          <button
            className="icon-button"
            aria-label="New chat"
            title="New chat (Ctrl+N)"
            onClick={() => store.set({ panel: { kind: 'new-chat' } })}
          >
            <IconNewChat />
          </button>
          <button
            className="icon-button"
            aria-label="New group"
            title="New group"
            onClick={() => store.set({ panel: { kind: 'new-group' } })}
          >
            <IconGroup />
          </button>
          <button
            className="icon-button"
            aria-label="Settings"
            title="Settings"
            onClick={() => store.set({ panel: { kind: 'settings' } })}
          >
            <IconSettings />
          </button>
        </div>
      </header>
      <div className="search-box">
        <input
          id="sidebar-search"
          type="search"
          placeholder="Search chats and messages"
          aria-label="Search chats and messages"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setQuery('');
          }}
        />
      </div>
      <ConnectionBanner store={store} />
      <nav className="conversation-list" aria-label="Conversations">
        {loading && conversations.length === 0 ? (
          <p className="list-note" aria-busy="true">
            Syncing your chats…
          </p>
        ) : conversations.length === 0 ? (
          <div className="list-empty">
            <p>No chats yet.</p>
            <button className="primary" onClick={() => store.set({ panel: { kind: 'new-chat' } })}>
              Start a chat
            </button>
          </div>
        ) : (
          <ul role="list">
            {filtered.map((c) => (
              <ConversationRow key={c.id} store={store} conversation={c} />
            ))}
          </ul>
        )}
        {query.trim().length >= 2 && <MessageHits store={store} query={query} />}
      </nav>
    </aside>
  );
}

function ConnectionBanner({ store }: { store: AppStore }) {
  const connection = useAppState(store, (s) => s.connection);
  if (connection === 'online') return null;
  return (
    <div className={`banner banner-${connection}`} role="status">
      {connection === 'connecting'
        ? 'Connecting…'
        : "Offline — messages will be sent when you're back online"}
    </div>
  );
}

function ConversationRow({
  store,
  conversation: c,
}: {
  store: AppStore;
  conversation: ConversationView;
}) {
  const active = useAppState(store, (s) => s.activeId === c.id);
  const online = useAppState(store, (s) =>
    c.peer ? (s.presence[c.peer.id]?.online ?? false) : false,
  );
  const preview = previewOf(c);
  return (
    <li>
      <button
        className={`conversation-row${active ? ' active' : ''}`}
        aria-current={active ? 'true' : undefined}
        aria-label={`${c.title}${c.unreadCount > 0 ? `, ${c.unreadCount} unread` : ''}`}
        onClick={() => store.open(c.id)}
      >
        <Avatar id={c.peer?.id ?? c.id} name={c.title} online={online} />
        <span className="row-main">
          <span className="row-top">
            <span className="row-title">{c.title}</span>
            {c.lastMessage && (
              <time className={`row-time${c.unreadCount > 0 ? ' accent' : ''}`}>
                {listTime(c.lastMessage.createdAt)}
              </time>
            )}
          </span>
          <span className="row-bottom">
            <span className={`row-preview${c.typing.length > 0 ? ' typing' : ''}`}>{preview}</span>
            {c.muted && (
              <span className="muted-icon" title="Muted">
                <IconMuted label="Muted" size={16} />
              </span>
            )}
            {c.unreadCount > 0 && (
              <span className="unread-pill">{c.unreadCount > 999 ? '999+' : c.unreadCount}</span>
            )}
          </span>
        </span>
      </button>
    </li>
  );
}

const ATTACHMENT_LABELS = {
  photo: '📷 Photo',
  video: '🎬 Video',
  audio: '🎵 Audio',
  document: '📄 Document',
} as const;

function previewOf(c: ConversationView) {
  if (c.typing.length > 0) {
    if (c.kind === 'direct') return 'typing…';
    const names = c.typing.map(
      (id) => c.members.find((m) => m.userId === id)?.displayName ?? 'Someone',
    );
    return `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} typing…`;
  }
  if (c.draft)
    return (
      <>
        <span className="draft-label">Draft:</span> {c.draft}
      </>
    );
  const m = c.lastMessage;
  if (!m) return c.kind === 'group' ? 'Group created' : 'Say hello';
  const who =
    m.senderName === 'You'
      ? 'You: '
      : c.kind === 'group' && m.kind !== 'system'
        ? `${m.senderName}: `
        : '';
  const text =
    m.kind === 'deleted'
      ? 'This message was deleted'
      : m.kind === 'unsupported'
        ? 'Unsupported message'
        : m.attachment && (m.kind === 'attachment' || !m.text)
          ? ATTACHMENT_LABELS[m.attachment.kind]
          : m.attachment
            ? `${ATTACHMENT_LABELS[m.attachment.kind]} · ${m.text ?? ''}`
            : (m.text ?? '');
  return (
    <>
      {m.status && <StatusIcon status={m.status} />}
      {who}
      {text}
    </>
  );
}

export function StatusIcon({
  status,
}: {
  status: NonNullable<ConversationView['lastMessage']>['status'];
}) {
  switch (status) {
    case 'pending':
      return (
        <span className="status pending">
          <IconClock label="Pending" />
        </span>
      );
    case 'sent':
      return (
        <span className="status sent">
          <IconTick label="Sent" />
        </span>
      );
    case 'delivered':
      return (
        <span className="status delivered">
          <IconDoubleTick label="Delivered" />
        </span>
      );
    case 'read':
      return (
        <span className="status read">
          <IconDoubleTick label="Read" />
        </span>
      );
    case 'failed':
      return (
        <span className="status failed">
          <IconAlert label="Not sent" />
        </span>
      );
    default:
      return null;
  }
}

function MessageHits({ store, query }: { store: AppStore; query: string }) {
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
                <span className="row-title">{hit.conversationTitle}</span>
                <time className="row-time">{listTime(hit.createdAt)}</time>
              </span>
              <span className="hit-snippet">
                {hit.senderName}:{' '}
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
