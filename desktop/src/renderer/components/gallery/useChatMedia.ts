import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChatMediaTab, MessageView } from '../../../common/contract';
import { errorText } from '../../format';
import { useAppState, type AppStore } from '../../state/store';

export interface ChatMediaState {
  tab: ChatMediaTab;
  /** Newest first, as loaded so far. */
  messages: MessageView[];
  loading: boolean;
  /** Older ones may exist: reaching the end of the list asks for them. */
  more: boolean;
  /** The chat's whole history is on this device: the end of the list is the start of the chat. */
  complete: boolean;
  /** How far back this device holds the chat (the oldest message's time), while paging back. */
  cachedFrom: number | null;
  error: string | null;
  /** Asks for the next older page (once at a time; nothing when there is no more). */
  loadMore: () => void;
}

/**
 * One tab of a chat's "Media, links and docs": the first page, then older pages on demand (the
 * engine fetches history from the server when its cache runs out). A page that found nothing new
 * (the engine looked through older history without a match) asks again at once, so the list
 * reaches the next item or the start of the chat without the person scrolling an empty list.
 * Live: when the chat's messages change (a new photo, a delete for everyone or for me, an edit
 * that adds a link), what the tab shows is read again from the cache.
 */
export function useChatMedia(
  store: AppStore,
  conversationId: string,
  tab: ChatMediaTab,
): ChatMediaState {
  const [messages, setMessages] = useState<MessageView[]>([]);
  const [loading, setLoading] = useState(true);
  const [more, setMore] = useState(true);
  const [complete, setComplete] = useState(false);
  const [cachedFrom, setCachedFrom] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The request in flight belongs to this tab; a switch of tab or chat drops its answer.
  const generation = useRef(0);
  const busy = useRef(false);
  // What was asked while a request was in flight, done when it settles.
  const queued = useRef<{ refresh: boolean; page: boolean }>({ refresh: false, page: false });
  const oldest = useRef<number | undefined>(undefined);
  const reached = useRef<number | null>(null);
  const moreRef = useRef(true);
  const version = useAppState(store, (s) => s.messageVersions[conversationId] ?? 0);
  const seenVersion = useRef(version);

  const fetchPage = useCallback(
    (beforeSeq: number | undefined) => {
      const mine = generation.current;
      busy.current = true;
      setLoading(true);
      setError(null);
      store.chat.listChatMedia(conversationId, tab, beforeSeq).then(
        (page) => {
          if (mine !== generation.current) return;
          busy.current = false;
          const progressed = page.cachedFrom !== reached.current;
          reached.current = page.cachedFrom;
          oldest.current = page.messages.at(-1)?.seq ?? beforeSeq;
          moreRef.current = page.more;
          setMessages((previous) =>
            beforeSeq === undefined ? page.messages : [...previous, ...page.messages],
          );
          setMore(page.more);
          setComplete(page.complete);
          setCachedFrom(page.cachedFrom);
          setLoading(false);
          if (settle()) return;
          // Nothing of this tab in the history just fetched: keep looking further back (only while
          // the engine gets further, so a server that stops answering pages cannot spin this).
          if (page.messages.length === 0 && page.more && progressed) fetchPage(oldest.current);
        },
        (e: unknown) => {
          if (mine !== generation.current) return;
          busy.current = false;
          setError(errorText(e));
          setLoading(false);
          settle();
        },
      );
    },
    // settle and refresh, declared below, belong to the same render and the same dependencies.
    [store, conversationId, tab],
  );

  /** Reads again, from the cache, everything the tab shows (down to its oldest loaded item). */
  const refresh = useCallback(() => {
    if (busy.current) {
      queued.current.refresh = true;
      return;
    }
    // Nothing shown yet, and more may come: the first page is what to ask for.
    if (oldest.current === undefined && moreRef.current) {
      fetchPage(undefined);
      return;
    }
    const mine = generation.current;
    busy.current = true;
    const fromSeq = moreRef.current ? (oldest.current ?? 0) : 0;
    store.chat.listChatMediaSince(conversationId, tab, fromSeq).then(
      (shown) => {
        if (mine !== generation.current) return;
        busy.current = false;
        setMessages(shown);
        settle();
      },
      () => {
        // The next change or scroll reads again; what is shown stays.
        if (mine !== generation.current) return;
        busy.current = false;
        settle();
      },
    );
  }, [store, conversationId, tab, fetchPage]);

  /** Runs what waited for the request that just settled; true when it started one. */
  function settle(): boolean {
    const { refresh: wantsRefresh, page } = queued.current;
    queued.current = { refresh: false, page: false };
    if (wantsRefresh) {
      queued.current.page = page;
      refresh();
      return true;
    }
    if (page && moreRef.current) {
      fetchPage(oldest.current);
      return true;
    }
    return false;
  }

  useEffect(() => {
    generation.current++;
    busy.current = false;
    queued.current = { refresh: false, page: false };
    oldest.current = undefined;
    reached.current = null;
    moreRef.current = true;
    setMessages([]);
    setMore(true);
    setComplete(false);
    setCachedFrom(null);
    fetchPage(undefined);
  }, [fetchPage]);

  useEffect(() => {
    if (version === seenVersion.current) return;
    seenVersion.current = version;
    refresh();
  }, [version, refresh]);

  const loadMore = useCallback(() => {
    if (!more) return;
    if (busy.current) {
      queued.current.page = true;
      return;
    }
    fetchPage(oldest.current);
  }, [fetchPage, more]);

  return { tab, messages, loading, more, complete, cachedFrom, error, loadMore };
}
