import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso';
import type { ConversationView, MessageView } from '../../../common/contract';
import { useAppState, type AppStore } from '../../state/store';
import { IconDown } from '../Icons';
import { BASE_INDEX, buildItems, PAGE, type Item } from './items';
import { MessageItem } from './MessageItem';
import { onMessageKeys } from './messageKeys';
import { GalleryContext } from '../gallery';

export function MessageList({
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
    <GalleryContext.Provider value={messages}>
      <div className="message-list" onKeyDown={onMessageKeys}>
        {messages.length === 0 ? (
          <div className="chat-empty">
            <p>No messages here yet. Say hello!</p>
          </div>
        ) : (
          <Virtuoso
            ref={virtuoso}
            className="virtuoso"
            role="log"
            tabIndex={0}
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
              <MessageItem
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
    </GalleryContext.Provider>
  );
}
