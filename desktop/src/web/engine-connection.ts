import type { RpcPort } from '../common/rpc';

/*
 * The engine of the web app runs in a dedicated Worker (DESIGN §10, §11): the build emits its
 * entry, desktop/src/web/engine.worker.ts, as /engine.worker.js, and the worker serves the chat
 * contract on its global scope (`serveChatOnPort`). The page reaches it as an RpcPort.
 */

export const ENGINE_WORKER_URL = '/engine.worker.js';

/** Starts the engine's Worker; `failed` is told when it cannot start (a missing or broken build). */
export function startEngineWorker(failed: (reason: string) => void): RpcPort {
  const worker = new Worker(ENGINE_WORKER_URL, { type: 'module', name: 'chitchat-engine' });
  worker.addEventListener('error', (event) => {
    failed(event.message === '' ? 'the engine did not start' : event.message);
  });
  return {
    postMessage: (message) => worker.postMessage(message),
    onMessage(listener) {
      const onMessage = (event: MessageEvent) => listener(event.data);
      worker.addEventListener('message', onMessage);
      return () => worker.removeEventListener('message', onMessage);
    },
  };
}
