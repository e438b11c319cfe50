import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChatMediaTab, MessageView } from '../../../common/contract';
import { errorText } from '../../format';
import type { AppStore } from '../../state/store';

export interface ChatMediaState {
  /** Newest first, as loaded so far. */
  messages: MessageView[];
  loading: boolean;
  /** Older ones may exist: reaching the end of the list asks for them. */
  more: boolean;
  error: string | null;
  /** Asks for the next older page (once at a time; nothing when there is no more). */
  loadMore: () => void;
}

/**
 * One tab of a chat's "Media, links and docs": the first page, then older pages on demand (the
 * engine fetches history from the server when its cache runs out).
 */
export function useChatMedia(
  store: AppStore,
  conversationId: string,
  tab: ChatMediaTab,
): ChatMediaState {
  const [messages, setMessages] = useState<MessageView[]>([]);
  const [loading, setLoading] = useState(true);
  const [more, setMore] = useState(true);
  const [error, setError] = useState<string | null>(null);
  // The request in flight belongs to this tab; a switch of tab or chat drops its answer.
  const generation = useRef(0);
  const busy = useRef(false);
  const oldest = useRef<number | undefined>(undefined);

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
          oldest.current = page.messages.at(-1)?.seq ?? beforeSeq;
          setMessages((previous) =>
            beforeSeq === undefined ? page.messages : [...previous, ...page.messages],
          );
          setMore(page.more);
          setLoading(false);
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
    setMessages([]);
    setMore(true);
    fetchPage(undefined);
  }, [fetchPage]);

  const loadMore = useCallback(() => {
    if (busy.current || !more) return;
    fetchPage(oldest.current);
  }, [fetchPage, more]);

  return { messages, loading, more, error, loadMore };
}
