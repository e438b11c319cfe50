import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChatMediaTab, MessageView } from '../../../common/contract';
import { errorText } from '../../format';
import type { AppStore } from '../../state/store';

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
  const oldest = useRef<number | undefined>(undefined);
  const reached = useRef<number | null>(null);

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
          setMessages((previous) =>
            beforeSeq === undefined ? page.messages : [...previous, ...page.messages],
          );
          setMore(page.more);
          setComplete(page.complete);
          setCachedFrom(page.cachedFrom);
          setLoading(false);
          // Nothing of this tab in the history just fetched: keep looking further back (only while
          // the engine gets further, so a server that stops answering pages cannot spin this).
          if (page.messages.length === 0 && page.more && progressed) fetchPage(oldest.current);
        },
        (e: unknown) => {
          if (mine !== generation.current) return;
          busy.current = false;
          setError(errorText(e));
          setLoading(false);
        },
      );
    },
    [store, conversationId, tab],
  );

  useEffect(() => {
    generation.current++;
    oldest.current = undefined;
    reached.current = null;
    setMessages([]);
    setMore(true);
    setComplete(false);
    setCachedFrom(null);
    fetchPage(undefined);
  }, [fetchPage]);

  const loadMore = useCallback(() => {
    if (busy.current || !more) return;
    fetchPage(oldest.current);
  }, [fetchPage, more]);

  return { tab, messages, loading, more, complete, cachedFrom, error, loadMore };
}
