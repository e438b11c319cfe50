import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { ChatApi, ChatEvents } from './contract';
import {
  ChatCallError,
  chatApiFromHost,
  dispatchChatCall,
  hostBridgeFromPort,
  serveChatOnPort,
  type RpcPort,
} from './rpc';

const portOf = (port: MessagePort): RpcPort => ({
  postMessage: (message) => port.postMessage(message),
  onMessage: (listener) => {
    port.on('message', listener);
    return () => port.off('message', listener);
  },
});

/** A stand-in engine for transport tests: two methods and an event source (the transport is under test). */
function fakeEngine() {
  const listeners = new Set<(payload: ChatEvents['connection']) => void>();
  const api = {
    async searchUsers(query: string) {
      return [{ id: 'u1', username: query, displayName: query.toUpperCase() }];
    },
    async markRead(conversationId: string) {
      throw Object.assign(new Error(`No conversation ${conversationId}`), { code: 'not_found' });
    },
  } as unknown as ChatApi;
  const events = {
    on: (name: string, listener: (payload: never) => void) => {
      if (name !== 'connection') return () => undefined;
      listeners.add(listener as (payload: ChatEvents['connection']) => void);
      return () => listeners.delete(listener as (payload: ChatEvents['connection']) => void);
    },
  };
  return {
    api,
    events,
    emitConnection: (state: ChatEvents['connection']) => listeners.forEach((l) => l(state)),
  };
}

describe('carrying the chat contract over a port', () => {
  it('calls, answers, error codes and events cross a real MessageChannel', async () => {
    const { port1, port2 } = new MessageChannel();
    const engine = fakeEngine();
    const stop = serveChatOnPort(engine.api, engine.events, portOf(port1));
    const chat = chatApiFromHost(hostBridgeFromPort(portOf(port2)));
    try {
      expect(await chat.searchUsers('ana')).toEqual([
        { id: 'u1', username: 'ana', displayName: 'ANA' },
      ]);
      await expect(chat.markRead('c1')).rejects.toMatchObject({
        code: 'not_found',
        message: 'No conversation c1',
      });
      await expect(chat.markRead('c1')).rejects.toBeInstanceOf(ChatCallError);
      const seen = new Promise((resolve) => chat.on('connection', resolve));
      engine.emitConnection('online');
      expect(await seen).toBe('online');
    } finally {
      stop();
      port1.close();
      port2.close();
    }
  });

  it('refuses unknown methods and malformed argument lists from an untrusted side', async () => {
    const { api } = fakeEngine();
    expect(await dispatchChatCall(api, 'constructor', [])).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
    expect(await dispatchChatCall(api, '__proto__', [])).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
    expect(await dispatchChatCall(api, 'searchUsers', 'not a list')).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
    expect(await dispatchChatCall(api, 'searchUsers', ['x'])).toMatchObject({ ok: true });
  });

  it('carries "Download all history" and a chat\'s media, links and docs to the screen', async () => {
    const state = { active: true, chatsComplete: 1, chats: 4 };
    const api = {
      downloadAllHistory: async () => state,
      getHistoryDownload: async () => state,
      listChatMedia: async (conversationId: string) => ({
        messages: [],
        more: conversationId === 'c1',
      }),
      countChatMedia: async () => 7,
    } as unknown as ChatApi;
    expect(await dispatchChatCall(api, 'downloadAllHistory', [])).toEqual({
      ok: true,
      value: state,
    });
    expect(await dispatchChatCall(api, 'getHistoryDownload', [])).toEqual({
      ok: true,
      value: state,
    });
    expect(await dispatchChatCall(api, 'listChatMedia', ['c1', 'media'])).toEqual({
      ok: true,
      value: { messages: [], more: true },
    });
    expect(await dispatchChatCall(api, 'countChatMedia', ['c1'])).toEqual({ ok: true, value: 7 });
  });
});
