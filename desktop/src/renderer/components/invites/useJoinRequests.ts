import { useEffect, useState } from 'react';
import type { JoinRequest } from '@chitchat/shared';
import type { AppStore } from '../../state/store';

/**
 * A group's approval queue, live: read from the engine when shown and again after a reconnect, and
 * replaced by every `joinRequests` event (a request arriving, or answered on any admin's device).
 */
export function useJoinRequests(store: AppStore, conversationId: string): JoinRequest[] {
  const [requests, setRequests] = useState<JoinRequest[]>([]);
  useEffect(() => {
    const refresh = () => {
      store.chat.listJoinRequests(conversationId).then(setRequests, () => undefined);
    };
    refresh();
    const stopQueue = store.chat.on('joinRequests', (queue) => {
      if (queue.conversationId === conversationId) setRequests(queue.requests);
    });
    const stopConnection = store.chat.on('connection', (state) => {
      if (state === 'online') refresh();
    });
    return () => {
      stopQueue();
      stopConnection();
    };
  }, [store, conversationId]);
  return requests;
}
