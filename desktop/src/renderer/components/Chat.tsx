import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso';
import { EDIT_WINDOW_MS, MESSAGE_TEXT_MAX_LENGTH, TYPING_REFRESH_MS } from '@chitchat/shared';
import type { ConversationView, MessageView, OutgoingFile } from '../../common/contract';
import { dayLabel, errorText, hueOf, lastSeen, startOfDay, timeOfDay } from '../format';
import { useAppState, type AppStore } from '../state/store';
import { Avatar } from './Avatar';
import {
  IconAttach,
  IconClose,
  IconDown,
  IconEdit,
  IconInfo,
  IconReply,
  IconSend,
  IconTrash,
  Logo,
} from './Icons';
import { Attachments, readFiles, SendFilesSheet } from './Media';
import { StatusIcon } from './Sidebar';

const PAGE = 50;
/** Virtuoso counts items from here so that older pages can be prepended without a jump. */
const BASE_INDEX = 1_000_000;

type Item =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'unread'; key: string; count: number }
  | { kind: 'message'; key: string; message: MessageView; runStart: boolean };

export function EmptyChat() {
  return (
    <div className="empty-chat">
      <div className="empty-art">
        <Logo size={96} />
      </div>
      <h2>Select a chat to start messaging</h2>
      <p className="muted">
        Your conversations stay on this device too, so they open instantly — even offline.
      </p>
    </div>
  );
}

export function ChatPane({ store, conversationId }: { store: AppStore; conversationId: string }) {
  const conversation = useAppState(store, (s) =>
    s.conversations.find((c) => c.id === conversationId),
  );
  const [replyTo, setReplyTo] = useState<MessageView | null>(null);
  const [editing, setEditing] = useState<MessageView | null>(null);
  const lastOwn = useRef<MessageView | null>(null);
  const [dragging, setDragging] = useState(false);
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
      <ChatHeader store={store} conversation={conversation} />
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
      {conversation.status === 'left' ? (
        <div className="composer-closed" role="note">
          You can't send messages to this group because you're no longer a member.
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

const canEdit = (m: MessageView) =>
  m.own &&
  m.seq !== null &&
  m.deletedAt === null &&
  m.status !== 'pending' &&
  Date.now() - m.createdAt < EDIT_WINDOW_MS;

function ChatHeader({
  store,
  conversation: c,
}: {
  store: AppStore;
  conversation: ConversationView;
}) {
  const presence = useAppState(store, (s) => (c.peer ? s.presence[c.peer.id] : undefined));
  let subtitle: string;
  if (c.typing.length > 0) {
    subtitle =
      c.kind === 'direct'
        ? 'typing…'
        : `${c.typing.map((id) => c.members.find((m) => m.userId === id)?.displayName ?? 'Someone').join(', ')} typing…`;
  } else if (c.kind === 'direct') {
    subtitle = presence?.online ? 'online' : lastSeen(presence?.lastSeenAt ?? null);
  } else {
    subtitle = c.members.map((m) => m.displayName).join(', ') || `${c.memberCount} members`;
  }
  return (
    <header className="chat-header">
      <Avatar id={c.peer?.id ?? c.id} name={c.title} size={40} online={presence?.online ?? false} />
      <div className="chat-header-text">
        <h2>{c.title}</h2>
        <p className={`subtitle${c.typing.length > 0 ? ' typing' : ''}`} aria-live="polite">
          {subtitle}
        </p>
      </div>
      <button
        className="icon-button"
        aria-label={c.kind === 'group' ? 'Group info' : 'Contact info'}
        title="Info"
        onClick={() => store.set({ panel: { kind: 'info', conversationId: c.id } })}
      >
        <IconInfo />
      </button>
    </header>
  );
}

function buildItems(
  messages: MessageView[],
  unreadFromKey: string | null,
  unreadCount: number,
): Item[] {
  const items: Item[] = [];
  let lastDay = -1;
  let previous: MessageView | null = null;
  for (const message of messages) {
    const day = startOfDay(message.createdAt);
    if (day !== lastDay) {
      items.push({ kind: 'day', key: `day-${day}`, label: dayLabel(message.createdAt) });
      lastDay = day;
      previous = null;
    }
    if (message.key === unreadFromKey && unreadCount > 0)
      items.push({ kind: 'unread', key: 'unread', count: unreadCount });
    const runStart =
      previous === null ||
      previous.senderUserId !== message.senderUserId ||
      previous.systemText !== null ||
      message.createdAt - previous.createdAt > 5 * 60_000;
    items.push({ kind: 'message', key: message.key, message, runStart });
    previous = message;
  }
  return items;
}

function MessageList({
  store,
  conversation,
  onReply,
  onEdit,
  onLastOwn,
}: {
  store: AppStore;
  conversation: ConversationView;
  onReply: (m: MessageView) => void;
  onEdit: (m: MessageView) => void;
  onLastOwn: (m: MessageView | null) => void;
}) {
  const conversationId = conversation.id;
  const version = useAppState(store, (s) => s.messageVersions[conversationId] ?? 0);
  const focus = useAppState(store, (s) =>
    s.focusSeq?.conversationId === conversationId ? s.focusSeq.seq : null,
  );
  const [messages, setMessages] = useState<MessageView[] | null>(null);
  const [atStart, setAtStart] = useState(false);
  const [firstItemIndex, setFirstItemIndex] = useState(BASE_INDEX);
  const [atBottom, setAtBottom] = useState(true);
  const [unseen, setUnseen] = useState(0);
  const [highlight, setHighlight] = useState<number | null>(null);
  const virtuoso = useRef<VirtuosoHandle>(null);
  const loadedCount = useRef(PAGE);
  const loadingOlder = useRef(false);
  // The unread divider is placed once, when the conversation opens.
  const [unread] = useState(() => ({ count: conversation.unreadCount }));
  const unreadFromKey = useMemo(() => {
    if (messages === null || unread.count === 0) return null;
    const fromOthers = messages.filter((m) => !m.own && m.type === 'message');
    return fromOthers[Math.max(0, fromOthers.length - unread.count)]?.key ?? null;
  }, [messages, unread]);
  const items = useMemo(
    () => (messages === null ? [] : buildItems(messages, unreadFromKey, unread.count)),
    [messages, unreadFromKey, unread.count],
  );
  const previousItems = useRef<Item[]>([]);

  // Keeps Virtuoso's first index stable when items are prepended (older history), so nothing jumps.
  useLayoutEffect(() => {
    const before = previousItems.current;
    if (before.length > 0 && items.length > 0) {
      const oldFirst = before[0]?.key;
      const shift = items.findIndex((item) => item.key === oldFirst);
      if (shift > 0) setFirstItemIndex((index) => index - shift);
    }
    previousItems.current = items;
  }, [items]);

  const reload = useCallback(async () => {
    const page = await store.chat.openConversation(conversationId, loadedCount.current);
    setMessages((old) => {
      if (old !== null && !atBottomRef.current) {
        const known = new Set(old.map((m) => m.key));
        const fresh = page.messages.filter(
          (m) => !known.has(m.key) && !m.own && m.type === 'message',
        ).length;
        if (fresh > 0) setUnseen((n) => n + fresh);
      }
      return page.messages;
    });
    setAtStart(page.atStart);
    onLastOwn([...page.messages].reverse().find((m) => m.own && m.type === 'message') ?? null);
  }, [store, conversationId, onLastOwn]);

  const atBottomRef = useRef(true);
  useEffect(() => {
    atBottomRef.current = atBottom;
    if (atBottom) setUnseen(0);
  }, [atBottom]);

  useEffect(() => {
    void reload();
  }, [reload, version]);

  // Read while on screen in a focused window, at the bottom.
  useEffect(() => {
    if (messages === null || !atBottom) return;
    const markIfVisible = () => {
      if (document.hasFocus() && document.visibilityState === 'visible')
        void store.chat.markRead(conversationId).catch(() => undefined);
    };
    markIfVisible();
    window.addEventListener('focus', markIfVisible);
    return () => window.removeEventListener('focus', markIfVisible);
  }, [store, conversationId, messages, atBottom]);

  const loadOlder = useCallback(async () => {
    if (loadingOlder.current || atStart || messages === null) return;
    const oldest = messages.find((m) => m.seq !== null)?.seq;
    if (oldest === undefined || oldest === null) return;
    loadingOlder.current = true;
    try {
      const page = await store.chat.loadOlder(conversationId, oldest, PAGE);
      loadedCount.current += page.messages.length;
      setAtStart(page.atStart);
      if (page.messages.length > 0) {
        setMessages((current) => {
          const known = new Set((current ?? []).map((m) => m.key));
          return [...page.messages.filter((m) => !known.has(m.key)), ...(current ?? [])];
        });
      }
    } finally {
      loadingOlder.current = false;
    }
  }, [store, conversationId, atStart, messages]);

  // Scroll to a message asked for by search or a reply quote, loading older pages until it is here.
  const scrollToSeq = useCallback(
    async (seq: number) => {
      for (let guard = 0; guard < 100; guard++) {
        const index = previousItems.current.findIndex(
          (item) => item.kind === 'message' && item.message.seq === seq,
        );
        if (index >= 0) {
          virtuoso.current?.scrollToIndex({ index, align: 'center', behavior: 'auto' });
          setHighlight(seq);
          setTimeout(() => setHighlight(null), 2000);
          return;
        }
        const oldest = previousItems.current.find(
          (item) => item.kind === 'message' && item.message.seq !== null,
        );
        if (oldest?.kind !== 'message' || oldest.message.seq === null || oldest.message.seq <= seq)
          return;
        const page = await store.chat.loadOlder(
          conversationId,
          oldest.message.seq,
          Math.max(PAGE, oldest.message.seq - seq + 10),
        );
        if (page.messages.length === 0) return;
        loadedCount.current += page.messages.length;
        await new Promise<void>((resolve) => {
          setMessages((current) => {
            const known = new Set((current ?? []).map((m) => m.key));
            return [...page.messages.filter((m) => !known.has(m.key)), ...(current ?? [])];
          });
          requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
        });
      }
    },
    [store, conversationId],
  );

  useEffect(() => {
    if (focus === null || messages === null) return;
    store.set({ focusSeq: null });
    void scrollToSeq(focus);
  }, [focus, messages, scrollToSeq, store]);

  if (messages === null) return <div className="message-list" aria-busy="true" />;
  const unreadIndex = items.findIndex((item) => item.kind === 'unread');

  return (
    <div className="message-list">
      {messages.length === 0 ? (
        <div className="chat-empty">
          <p>No messages here yet. Say hello!</p>
        </div>
      ) : (
        <Virtuoso
          ref={virtuoso}
          className="virtuoso"
          role="log"
          aria-label="Messages"
          aria-live="polite"
          data={items}
          firstItemIndex={firstItemIndex}
          initialTopMostItemIndex={
            unreadIndex >= 0
              ? { index: unreadIndex, align: 'start' }
              : { index: items.length - 1, align: 'end' }
          }
          computeItemKey={(_, item) => item.key}
          startReached={() => void loadOlder()}
          followOutput={(bottom) => (bottom ? 'auto' : false)}
          atBottomStateChange={setAtBottom}
          atBottomThreshold={80}
          increaseViewportBy={{ top: 400, bottom: 200 }}
          components={{
            Header: () =>
              atStart ? (
                <div className="history-start">This is the beginning of the conversation.</div>
              ) : (
                <div className="history-loading" />
              ),
          }}
          itemContent={(_, item) => (
            <ItemView
              item={item}
              store={store}
              conversation={conversation}
              highlighted={
                item.kind === 'message' && highlight !== null && item.message.seq === highlight
              }
              onReply={onReply}
              onEdit={onEdit}
              onQuoteClick={(seq) => void scrollToSeq(seq)}
            />
          )}
        />
      )}
      {!atBottom && (
        <button
          className="jump-button"
          aria-label={unseen > 0 ? `Jump to latest, ${unseen} new` : 'Jump to latest'}
          onClick={() =>
            virtuoso.current?.scrollToIndex({
              index: items.length - 1,
              align: 'end',
              behavior: 'smooth',
            })
          }
        >
          <IconDown />
          {unseen > 0 && <span className="jump-count">{unseen}</span>}
        </button>
      )}
    </div>
  );
}

function ItemView({
  item,
  store,
  conversation,
  highlighted,
  onReply,
  onEdit,
  onQuoteClick,
}: {
  item: Item;
  store: AppStore;
  conversation: ConversationView;
  highlighted: boolean;
  onReply: (m: MessageView) => void;
  onEdit: (m: MessageView) => void;
  onQuoteClick: (seq: number) => void;
}) {
  if (item.kind === 'day') {
    return (
      <div className="day-separator" role="separator">
        <span>{item.label}</span>
      </div>
    );
  }
  if (item.kind === 'unread') {
    return (
      <div className="unread-divider" role="separator">
        <span>
          {item.count} unread message{item.count === 1 ? '' : 's'}
        </span>
      </div>
    );
  }
  const m = item.message;
  if (m.systemText !== null) {
    return (
      <div className="system-message">
        <span>{m.systemText}</span>
      </div>
    );
  }
  return (
    <Bubble
      message={m}
      store={store}
      conversation={conversation}
      runStart={item.runStart}
      highlighted={highlighted}
      onReply={onReply}
      onEdit={onEdit}
      onQuoteClick={onQuoteClick}
    />
  );
}

function Bubble({
  message: m,
  store,
  conversation,
  runStart,
  highlighted,
  onReply,
  onEdit,
  onQuoteClick,
}: {
  message: MessageView;
  store: AppStore;
  conversation: ConversationView;
  runStart: boolean;
  highlighted: boolean;
  onReply: (m: MessageView) => void;
  onEdit: (m: MessageView) => void;
  onQuoteClick: (seq: number) => void;
}) {
  const deleted = m.deletedAt !== null;
  const isAdmin =
    conversation.kind === 'group' &&
    (conversation.role === 'owner' || conversation.role === 'admin');
  const canAct = m.seq !== null && !deleted && conversation.status === 'active';
  const showName = conversation.kind === 'group' && !m.own && runStart;
  return (
    <div
      className={`bubble-row ${m.own ? 'own' : 'other'}${runStart ? ' run-start' : ''}`}
      data-seq={m.seq ?? undefined}
    >
      <article
        className={`bubble${highlighted ? ' highlighted' : ''}${deleted ? ' deleted' : ''}${m.status === 'failed' ? ' failed' : ''}`}
        aria-label={`${m.own ? 'You' : m.senderName}, ${timeOfDay(m.createdAt)}`}
      >
        {showName && (
          <div className="sender-name" style={{ ['--hue' as string]: hueOf(m.senderUserId) }}>
            {m.senderName}
          </div>
        )}
        {m.replyTo && !deleted && (
          <button
            className="quote"
            onClick={() => m.replyTo && onQuoteClick(m.replyTo.seq)}
            aria-label={`Reply to ${m.replyTo.senderName}`}
          >
            <span className="quote-name">{m.replyTo.senderName}</span>
            <span className="quote-text">{m.replyTo.text ?? 'Message'}</span>
          </button>
        )}
        {!deleted && <Attachments store={store} message={m} />}
        <div className="bubble-text">
          {m.unsupported ? (
            <em className="muted">This message isn't supported by this version of chitchat.</em>
          ) : deleted ? (
            <em className="muted">This message was deleted</em>
          ) : (
            m.text
          )}
          <span className="meta">
            {m.editedAt !== null && !deleted && <span className="edited">edited</span>}
            <time dateTime={new Date(m.createdAt).toISOString()}>{timeOfDay(m.createdAt)}</time>
            {m.own && !deleted && <StatusIcon status={m.status} />}
          </span>
        </div>
        {m.status === 'failed' && (
          <button className="retry" onClick={() => void store.chat.retryMessage(m.key)}>
            Not sent{m.error ? ` (${m.error.replace('_', ' ')})` : ''} — Click to retry
          </button>
        )}
      </article>
      {canAct && (
        <div className="bubble-actions" role="toolbar" aria-label="Message actions">
          <button
            className="icon-button small"
            aria-label="Reply"
            title="Reply"
            onClick={() => onReply(m)}
          >
            <IconReply size={16} />
          </button>
          {canEdit(m) && (
            <button
              className="icon-button small"
              aria-label="Edit"
              title="Edit"
              onClick={() => onEdit(m)}
            >
              <IconEdit size={16} />
            </button>
          )}
          {m.own && conversation.kind === 'group' && m.seq !== null && (
            <button
              className="icon-button small"
              aria-label="Message info"
              title="Message info"
              onClick={() =>
                m.seq !== null &&
                store.set({
                  panel: { kind: 'message-info', conversationId: conversation.id, seq: m.seq },
                })
              }
            >
              <IconInfo size={16} />
            </button>
          )}
          {(m.own || isAdmin) && (
            <button
              className="icon-button small"
              aria-label="Delete for everyone"
              title="Delete for everyone"
              onClick={() => {
                if (m.seq !== null && window.confirm('Delete this message for everyone?')) {
                  void store.chat.deleteMessage({ conversationId: conversation.id, seq: m.seq });
                }
              }}
            >
              <IconTrash size={16} />
            </button>
          )}
        </div>
      )}
    </div>
  );
}

function Composer({
  store,
  conversation,
  replyTo,
  editing,
  onCancel,
  onEditLast,
}: {
  store: AppStore;
  conversation: ConversationView;
  replyTo: MessageView | null;
  editing: MessageView | null;
  onCancel: () => void;
  onEditLast: () => void;
}) {
  const [text, setText] = useState(conversation.draft);
  const [error, setError] = useState<string | null>(null);
  const [files, setFiles] = useState<OutgoingFile[] | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const dropped = useAppState(store, (s) => s.droppedFiles);
  useEffect(() => {
    if (dropped === null) return;
    store.set({ droppedFiles: null });
    void readFiles(dropped).then(setFiles);
  }, [dropped, store]);

  async function sendFiles(caption: string) {
    const picked = files;
    setFiles(null);
    if (picked === null) return;
    try {
      await store.chat.sendMessage({
        conversationId: conversation.id,
        text: caption,
        files: picked,
        ...(replyTo?.seq != null ? { replyToSeq: replyTo.seq } : {}),
      });
      onCancel();
    } catch (e) {
      setError(errorText(e));
    }
  }
  const input = useRef<HTMLTextAreaElement>(null);
  const typingSince = useRef(0);

  useEffect(() => {
    if (editing) {
      setText(editing.text ?? '');
      input.current?.focus();
    }
  }, [editing]);
  useEffect(() => {
    if (replyTo) input.current?.focus();
  }, [replyTo]);
  useEffect(() => {
    input.current?.focus();
  }, [conversation.id]);
  // The draft is kept per conversation as it is typed.
  useEffect(() => {
    if (editing) return;
    const timer = setTimeout(
      () => void store.chat.setDraft(conversation.id, text).catch(() => undefined),
      300,
    );
    return () => clearTimeout(timer);
  }, [store, conversation.id, text, editing]);
  // Grows with the text up to a few lines.
  useLayoutEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 160)}px`;
  }, [text]);

  const stopTyping = () => {
    if (typingSince.current !== 0) {
      typingSince.current = 0;
      void store.chat.setTyping(conversation.id, false).catch(() => undefined);
    }
  };

  async function submit() {
    const value = text;
    if (value.trim() === '') return;
    setError(null);
    try {
      if (editing && editing.seq !== null) {
        await store.chat.editMessage({
          conversationId: conversation.id,
          seq: editing.seq,
          text: value,
        });
      } else {
        await store.chat.sendMessage({
          conversationId: conversation.id,
          text: value,
          ...(replyTo?.seq != null ? { replyToSeq: replyTo.seq } : {}),
        });
      }
      setText('');
      onCancel();
      stopTyping();
    } catch (e) {
      setError(errorText(e));
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    } else if (event.key === 'Escape' && (replyTo || editing)) {
      event.preventDefault();
      if (editing) setText('');
      onCancel();
    } else if (event.key === 'ArrowUp' && text === '' && !editing) {
      event.preventDefault();
      onEditLast();
    }
  }

  return (
    <footer className="composer">
      {(replyTo || editing) && (
        <div className="composer-context">
          <div className="composer-context-text">
            <span className="quote-name">
              {editing
                ? 'Edit message'
                : `Replying to ${replyTo?.own ? 'yourself' : replyTo?.senderName}`}
            </span>
            <span className="quote-text">{(editing ?? replyTo)?.text}</span>
          </div>
          <button
            className="icon-button small"
            aria-label={editing ? 'Cancel edit' : 'Cancel reply'}
            onClick={() => {
              if (editing) setText('');
              onCancel();
            }}
          >
            <IconClose size={16} />
          </button>
        </div>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {files && (
        <SendFilesSheet
          files={files}
          onSend={(caption) => void sendFiles(caption)}
          onCancel={() => setFiles(null)}
        />
      )}
      <div className="composer-row">
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          aria-hidden="true"
          onChange={(e) => {
            const list = e.target.files;
            if (list && list.length > 0) void readFiles(list).then(setFiles);
            e.target.value = '';
          }}
        />
        <button
          className="icon-button attach-button"
          aria-label="Attach files"
          title="Attach"
          onClick={() => picker.current?.click()}
        >
          <IconAttach />
        </button>
        <textarea
          ref={input}
          rows={1}
          value={text}
          maxLength={MESSAGE_TEXT_MAX_LENGTH}
          placeholder="Type a message"
          aria-label="Message"
          onChange={(e) => {
            setText(e.target.value);
            const now = Date.now();
            if (e.target.value === '') stopTyping();
            else if (now - typingSince.current > TYPING_REFRESH_MS) {
              typingSince.current = now;
              void store.chat.setTyping(conversation.id, true).catch(() => undefined);
            }
          }}
          onBlur={stopTyping}
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            const pasted = Array.from(e.clipboardData.files);
            if (pasted.length > 0) {
              e.preventDefault();
              void readFiles(pasted).then(setFiles);
            }
          }}
        />
        <button
          className="send-button"
          aria-label={editing ? 'Save edit' : 'Send'}
          onClick={() => void submit()}
          disabled={text.trim() === ''}
        >
          <IconSend />
        </button>
      </div>
    </footer>
  );
}
