import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Virtuoso, type Components, type VirtuosoHandle } from 'react-virtuoso';
import type { ConversationView, MessageView } from '../../../common/contract';
import { useAppState, type AppStore } from '../../state/store';
import { IconDown } from '../Icons';
import {
  BASE_INDEX,
  buildItems,
  firstUnreadKey,
  mergeNewest,
  PAGE,
  prependOlder,
  prependShift,
  type Item,
} from './items';
import { MessageItem } from './MessageItem';
import { onMessageKeys, PERSON_SCROLL } from './messageKeys';
import { GalleryContext } from '../gallery';

/** Messages loaded above the first unread one, so the divider opens with some context. */
const UNREAD_CONTEXT = 20;
const HIGHLIGHT_MS = 3000;

interface HistoryState {
  atStart: boolean;
  loading: boolean;
}

// Defined once: Virtuoso remounts a header whose component identity changes on each render.
const COMPONENTS: Components<Item, HistoryState> = {
  // The key on each message lets the list find the one it keeps in place (see keepAnchor); day
  // headers have none, as they move up when older messages of their day go in below them.
  Item: ({ item, context: _context, ...props }) => (
    <div {...props} data-key={item.kind === 'message' ? item.key : undefined} />
  ),
  Header: ({ context }) =>
    context?.atStart ? (
      <div className="history-start" role="note">
        This is the beginning of the conversation.
      </div>
    ) : (
      <div className="history-loading">
        {context?.loading && (
          <div className="spinner" role="status" aria-label="Loading older messages" />
        )}
      </div>
    ),
};

const seqOf = (item: Item | undefined) => (item?.kind === 'message' ? item.message.seq : null);

interface Anchor {
  key: string;
  top: number;
}

/** The first row at the top of the scroller, and where it is on screen. */
function anchorIn(scroller: HTMLElement | null): Anchor | null {
  if (scroller === null) return null;
  const top = scroller.getBoundingClientRect().top;
  for (const row of scroller.querySelectorAll<HTMLElement>('[data-key]')) {
    const box = row.getBoundingClientRect();
    if (box.bottom > top && row.dataset.key) return { key: row.dataset.key, top: box.top };
  }
  return null;
}

/** How long after a prepend the first visible message is held in place (rows settle within it). */
const ANCHOR_HOLD_MS = 1500;

/**
 * Holds `anchor` where it was on screen while older rows go in above it. Virtuoso keeps the scroll
 * offset when rows go in above, but it sizes them from estimates first, and a day header that moves
 * up above the older messages of its day leaves its cached size to the message now at its index:
 * each later measurement moves what is on screen by 20-70 px. Checking once per animation frame
 * lets those moves be painted first; so the drift is also corrected on every DOM change (a
 * MutationObserver runs before the browser paints what Virtuoso just rendered), until the rows stop
 * changing, the person scrolls (wheel, touch, keys, the scrollbar, or PERSON_SCROLL), or
 * ANCHOR_HOLD_MS have passed.
 */
function keepAnchor(scroller: HTMLElement | null, anchor: Anchor | null): void {
  if (scroller === null || anchor === null) return;
  const started = performance.now();
  let quietFrames = 0;
  let done = false;
  const correct = () => {
    const row = scroller.querySelector(`[data-key="${CSS.escape(anchor.key)}"]`);
    if (row === null) return;
    const drift = row.getBoundingClientRect().top - anchor.top;
    if (Math.abs(drift) >= 0.5) {
      scroller.scrollTop += drift;
      quietFrames = 0;
    }
  };
  const observer = new MutationObserver(correct);
  const stop = () => {
    if (done) return;
    done = true;
    observer.disconnect();
    for (const event of PERSON_SCROLLS) scroller.removeEventListener(event, stop);
  };
  observer.observe(scroller, { childList: true, subtree: true, attributes: true });
  // Whatever the person does to the list wins over holding the old position.
  for (const event of PERSON_SCROLLS) scroller.addEventListener(event, stop, { passive: true });
  const frame = () => {
    if (done) return;
    correct();
    if (++quietFrames > 30 || performance.now() - started > ANCHOR_HOLD_MS) stop();
    else requestAnimationFrame(frame);
  };
  correct();
  requestAnimationFrame(frame);
}

const PERSON_SCROLLS = ['wheel', 'touchstart', 'keydown', 'pointerdown', PERSON_SCROLL] as const;

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
  const [messages, setMessagesState] = useState<MessageView[] | null>(null);
  const [history, setHistory] = useState<HistoryState>({ atStart: false, loading: false });
  // The unread divider is placed once, when the conversation opens.
  const [unread] = useState(() => ({ count: conversation.unreadCount }));
  const [atBottom, setAtBottom] = useState(unread.count === 0);
  const [unseen, setUnseen] = useState(0);
  const [highlight, setHighlight] = useState<number | null>(null);
  // Where the list opens: the message asked for, else the unread divider, else the bottom.
  const [initial, setInitial] = useState<{
    index: number;
    align: 'start' | 'center' | 'end';
  } | null>(null);
  const virtuoso = useRef<VirtuosoHandle>(null);
  const scroller = useRef<HTMLElement | null>(null);
  // The latest messages, read by async work without waiting for a render.
  const current = useRef<MessageView[] | null>(null);
  const loadedCount = useRef(Math.max(PAGE, unread.count + UNREAD_CONTEXT));
  const loadingOlder = useRef(false);
  const atBottomRef = useRef(atBottom);
  // Keys already counted in the jump button: a message is counted once, however often re-read.
  const counted = useRef(new Set<string>());

  const setMessages = useCallback((next: MessageView[]) => {
    current.current = next;
    setMessagesState(next);
  }, []);

  const unreadFromKey = useMemo(
    () => (messages === null ? null : firstUnreadKey(messages, unread.count)),
    [messages, unread],
  );
  const items = useMemo(
    () => (messages === null ? [] : buildItems(messages, unreadFromKey, unread.count)),
    [messages, unreadFromKey, unread.count],
  );
  const itemsRef = useRef<Item[]>([]);
  const firstIndexRef = useRef(BASE_INDEX);
  // Virtuoso must see the first index move in the same render as the rows that went in above:
  // a render with the new rows and the old index reads as rows added at the end, and jumps.
  // Repeating it for the same items is harmless (the shift against itself is 0).
  const firstItemIndex = useMemo(() => {
    firstIndexRef.current -= Math.max(0, prependShift(itemsRef.current, items));
    itemsRef.current = items;
    return firstIndexRef.current;
  }, [items]);

  /** Loads older pages until `seq` is loaded (or the beginning is reached). */
  const loadUntil = useCallback(
    async (seq: number) => {
      for (let guard = 0; guard < 200; guard++) {
        const loaded = current.current ?? [];
        if (loaded.some((m) => m.seq === seq)) return true;
        const oldest = loaded.find((m) => m.seq !== null)?.seq ?? null;
        if (oldest === null || oldest <= seq) return false;
        const page = await store.chat.loadOlder(
          conversationId,
          oldest,
          Math.max(PAGE, oldest - seq + UNREAD_CONTEXT),
        );
        loadedCount.current += page.messages.length;
        setMessages(prependOlder(current.current ?? [], page.messages));
        setHistory((h) => ({ ...h, atStart: page.atStart }));
        if (page.messages.length === 0) return false;
      }
      return false;
    },
    [store, conversationId, setMessages],
  );

  const showHighlight = useCallback((seq: number) => {
    setHighlight(seq);
    setTimeout(() => setHighlight((h) => (h === seq ? null : h)), HIGHLIGHT_MS);
  }, []);

  // Opening: the newest page, with enough history for the unread divider or the message asked for.
  useEffect(() => {
    let cancelled = false;
    const target = store.snapshot.focusSeq;
    const focusSeq = target?.conversationId === conversationId ? target.seq : null;
    void (async () => {
      const page = await store.chat.openConversation(conversationId, loadedCount.current);
      if (cancelled) return;
      current.current = page.messages;
      if (focusSeq !== null) {
        store.set({ focusSeq: null });
        await loadUntil(focusSeq);
        if (cancelled) return;
      }
      const loaded = current.current;
      const built = buildItems(loaded, firstUnreadKey(loaded, unread.count), unread.count);
      const focusIndex =
        focusSeq === null ? -1 : built.findIndex((item) => seqOf(item) === focusSeq);
      const unreadIndex = built.findIndex((item) => item.kind === 'unread');
      setInitial(
        focusIndex >= 0
          ? { index: focusIndex, align: 'center' }
          : unreadIndex >= 0
            ? { index: unreadIndex, align: 'start' }
            : { index: Math.max(0, built.length - 1), align: 'end' },
      );
      if (focusIndex >= 0 && focusSeq !== null) showHighlight(focusSeq);
      if (focusIndex >= 0 || unreadIndex >= 0) {
        atBottomRef.current = false;
        setAtBottom(false);
      }
      setHistory((h) => ({ ...h, atStart: page.atStart || h.atStart }));
      setMessages(loaded);
    })();
    return () => {
      cancelled = true;
    };
    // Runs once per conversation (the pane remounts for another): later changes come by `version`.
  }, [store, conversationId, loadUntil, setMessages, showHighlight, unread]);

  // Re-reads the newest messages when they change, counting new ones while scrolled up.
  const firstVersion = useRef(version);
  useEffect(() => {
    if (version === firstVersion.current) return;
    let cancelled = false;
    void store.chat.openConversation(conversationId, loadedCount.current).then((page) => {
      if (cancelled || current.current === null) return;
      const known = new Set(current.current.map((m) => m.key));
      if (!atBottomRef.current) {
        let fresh = 0;
        for (const m of page.messages) {
          if (known.has(m.key) || m.own || m.type !== 'message' || counted.current.has(m.key))
            continue;
          counted.current.add(m.key);
          fresh++;
        }
        if (fresh > 0) setUnseen((n) => n + fresh);
      }
      setMessages(mergeNewest(current.current, page.messages));
    });
    return () => {
      cancelled = true;
    };
  }, [store, conversationId, version, setMessages]);

  useEffect(() => {
    if (messages === null) return;
    onLastOwn([...messages].reverse().find((m) => m.own && m.type === 'message') ?? null);
  }, [messages, onLastOwn]);

  useEffect(() => {
    atBottomRef.current = atBottom;
    if (atBottom) {
      setUnseen(0);
      counted.current.clear();
    }
  }, [atBottom]);

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
    const loaded = current.current;
    if (loadingOlder.current || history.atStart || loaded === null) return;
    const oldest = loaded.find((m) => m.seq !== null)?.seq ?? null;
    if (oldest === null) return;
    loadingOlder.current = true;
    setHistory((h) => ({ ...h, loading: true }));
    try {
      const page = await store.chat.loadOlder(conversationId, oldest, PAGE);
      loadedCount.current += page.messages.length;
      if (page.messages.length > 0) {
        const anchor = anchorIn(scroller.current);
        setMessages(prependOlder(current.current ?? [], page.messages));
        keepAnchor(scroller.current, anchor);
      }
      setHistory({ atStart: page.atStart, loading: false });
    } catch {
      setHistory((h) => ({ ...h, loading: false }));
    } finally {
      loadingOlder.current = false;
    }
  }, [store, conversationId, history.atStart, setMessages]);

  // Scrolls to a message asked for by search or a reply quote, loading older pages until it is here.
  const scrollToSeq = useCallback(
    async (seq: number) => {
      if (!(await loadUntil(seq))) return;
      // The list renders the loaded pages first; the index is looked up in what it then shows.
      // A render of hundreds of rows may take several frames on a busy machine: one is not enough.
      let index = -1;
      for (let frame = 0; frame < 120 && index < 0; frame++) {
        await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
        index = itemsRef.current.findIndex((item) => seqOf(item) === seq);
      }
      if (index < 0) return;
      scroller.current?.dispatchEvent(new Event(PERSON_SCROLL));
      virtuoso.current?.scrollToIndex({ index, align: 'center', behavior: 'auto' });
      showHighlight(seq);
    },
    [loadUntil, showHighlight],
  );

  // A search hit in the conversation that is already open.
  useEffect(() => {
    if (focus === null || messages === null || initial === null) return;
    store.set({ focusSeq: null });
    void scrollToSeq(focus);
  }, [focus, messages, initial, scrollToSeq, store]);

  if (messages === null || initial === null)
    return <div className="message-list" aria-busy="true" />;

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
            scrollerRef={(el) => {
              scroller.current = el instanceof HTMLElement ? el : null;
            }}
            className="virtuoso"
            role="log"
            tabIndex={0}
            aria-label="Messages"
            aria-live="polite"
            data={items}
            context={history}
            firstItemIndex={firstItemIndex}
            initialTopMostItemIndex={initial}
            computeItemKey={(_, item) => item.key}
            startReached={() => void loadOlder()}
            // Also when the top rows come into view without the very first (a fast wheel, a jump):
            // Virtuoso reports reaching the start once per change of the first item only.
            rangeChanged={(range) => {
              if (range.startIndex - firstItemIndex < 5) void loadOlder();
            }}
            followOutput={(bottom) => (bottom ? 'auto' : false)}
            atBottomStateChange={setAtBottom}
            atBottomThreshold={80}
            increaseViewportBy={{ top: 400, bottom: 200 }}
            components={COMPONENTS}
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
            onClick={() => {
              scroller.current?.dispatchEvent(new Event(PERSON_SCROLL));
              virtuoso.current?.scrollToIndex({
                index: items.length - 1,
                align: 'end',
                behavior: 'smooth',
              });
            }}
          >
            <IconDown />
            {unseen > 0 && <span className="jump-count">{unseen}</span>}
          </button>
        )}
      </div>
    </GalleryContext.Provider>
  );
}
