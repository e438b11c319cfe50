/**
 * Carrying the chat contract across a boundary (Electron IPC, a MessagePort to the engine's utility
 * process, a Playwright binding in tests). Only plain data crosses: calls carry a method name and
 * an argument list; answers come back as an envelope, so error codes survive transports that would
 * flatten thrown errors.
 */
import {
  CHAT_API_METHODS,
  CHAT_EVENT_NAMES,
  type ChatApi,
  type ChatError,
  type ChatEventName,
  type ChatEvents,
} from './contract';

export type ChatMethodName = (typeof CHAT_API_METHODS)[number];

export type RpcResult = { ok: true; value: unknown } | { ok: false; error: ChatError };

/** What the host (preload, a test binding) gives the renderer: one call path, one event path. */
export interface ChatHostBridge {
  invoke(method: string, args: unknown[]): Promise<RpcResult>;
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
}

/** Something that emits the contract's events (the engine's emitter). */
export interface ChatEventSource {
  on<K extends ChatEventName>(name: K, listener: (payload: ChatEvents[K]) => void): () => void;
}

export const isChatMethod = (name: unknown): name is ChatMethodName =>
  typeof name === 'string' && (CHAT_API_METHODS as readonly string[]).includes(name);

export const isChatEvent = (name: unknown): name is ChatEventName =>
  typeof name === 'string' && (CHAT_EVENT_NAMES as readonly string[]).includes(name);

function toChatError(error: unknown): ChatError {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return {
      code: typeof code === 'string' ? code : 'internal',
      message: typeof message === 'string' ? message : 'Something went wrong.',
    };
  }
  return { code: 'internal', message: String(error) };
}

/**
 * The engine side: runs one call from the other side of a boundary. The method name and the
 * argument list are checked first: a renderer is untrusted input to the engine.
 */
export async function dispatchChatCall(
  api: ChatApi,
  method: unknown,
  args: unknown,
): Promise<RpcResult> {
  if (!isChatMethod(method))
    return {
      ok: false,
      error: { code: 'invalid_payload', message: `Unknown method ${String(method)}.` },
    };
  if (!Array.isArray(args) || args.length > 4) {
    return {
      ok: false,
      error: { code: 'invalid_payload', message: 'Arguments must be a short list.' },
    };
  }
  try {
    const fn = (api[method] as (...values: unknown[]) => Promise<unknown>).bind(api);
    const list: unknown[] = args;
    return { ok: true, value: await fn(...list) };
  } catch (error) {
    return { ok: false, error: toChatError(error) };
  }
}

/** An error from the engine, with the contract's stable code. */
export class ChatCallError extends Error {
  override name = 'ChatCallError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type ChatBridge = ChatApi & {
  on<K extends ChatEventName>(name: K, listener: (payload: ChatEvents[K]) => void): () => void;
};

/** The renderer side: the whole contract as typed methods over a host bridge. */
export function chatApiFromHost(host: ChatHostBridge): ChatBridge {
  const listeners = new Map<string, Set<(payload: never) => void>>();
  host.subscribe((name, payload) => {
    if (!isChatEvent(name)) return;
    for (const listener of listeners.get(name) ?? []) (listener as (p: unknown) => void)(payload);
  });
  const api: Record<string, unknown> = {
    on(name: ChatEventName, listener: (payload: never) => void) {
      let set = listeners.get(name);
      if (set === undefined) {
        set = new Set();
        listeners.set(name, set);
      }
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  for (const method of CHAT_API_METHODS) {
    api[method] = async (...args: unknown[]) => {
      const result = await host.invoke(method, args);
      if (!result.ok) throw new ChatCallError(result.error.code, result.error.message);
      return result.value;
    };
  }
  return api as unknown as ChatBridge;
}

/** A two-way message channel (a MessagePort, Electron's parentPort, a worker). */
export interface RpcPort {
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): () => void;
}

type PortMessage =
  | { kind: 'call'; id: number; method: string; args: unknown[] }
  | { kind: 'result'; id: number; result: RpcResult }
  | { kind: 'event'; name: string; payload: unknown };

/** Serves the contract on a port: calls in, results and events out. Returns a stop function. */
export function serveChatOnPort(api: ChatApi, events: ChatEventSource, port: RpcPort): () => void {
  const offs = CHAT_EVENT_NAMES.map((name) =>
    events.on(name, (payload) =>
      port.postMessage({ kind: 'event', name, payload } satisfies PortMessage),
    ),
  );
  offs.push(
    port.onMessage((raw) => {
      const message = raw as Partial<PortMessage> | null;
      if (message?.kind !== 'call' || typeof message.id !== 'number') return;
      const id = message.id;
      void dispatchChatCall(api, message.method, message.args).then((result) =>
        port.postMessage({ kind: 'result', id, result } satisfies PortMessage),
      );
    }),
  );
  return () => offs.forEach((off) => off());
}

/** The other end of `serveChatOnPort`, as a host bridge (for main, which relays to the window). */
export function hostBridgeFromPort(port: RpcPort): ChatHostBridge {
  let nextId = 1;
  const pending = new Map<number, (result: RpcResult) => void>();
  const subscribers = new Set<(name: string, payload: unknown) => void>();
  port.onMessage((raw) => {
    const message = raw as Partial<PortMessage> | null;
    if (message?.kind === 'result' && typeof message.id === 'number' && message.result) {
      pending.get(message.id)?.(message.result);
      pending.delete(message.id);
    } else if (message?.kind === 'event' && typeof message.name === 'string') {
      for (const subscriber of subscribers) subscriber(message.name, message.payload);
    }
  });
  return {
    invoke(method, args) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        port.postMessage({ kind: 'call', id, method, args } satisfies PortMessage);
      });
    },
    subscribe(listener) {
      subscribers.add(listener);
      return () => subscribers.delete(listener);
    },
  };
}
