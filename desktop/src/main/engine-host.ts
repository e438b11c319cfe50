/**
 * The entry of the engine's Electron utility process (`utilityProcess.fork`, from main): the
 * ChatClient with its SQLite cache and its socket runs here, off the main process, so a long query
 * or a burst of sync never freezes window handling. Everything but the port binding is in
 * engine-service.ts.
 */
import type { RpcPort } from '../common/rpc';
import type { EngineToMain } from './engine-protocol';
import { hostEngine } from './engine-service';

const parentPort = process.parentPort;

const port: RpcPort = {
  postMessage: (message) => parentPort.postMessage(message),
  onMessage: (listener) => {
    const onMessage = (event: Electron.MessageEvent) => listener(event.data);
    parentPort.on('message', onMessage);
    return () => parentPort.off('message', onMessage);
  },
};

// A crash is reported to main's log before the process ends; main restarts the engine.
process.on('uncaughtException', (error) => {
  port.postMessage({
    kind: 'log',
    level: 'error',
    message: 'uncaught exception in the engine',
    context: { error: error.stack ?? String(error) },
  } satisfies EngineToMain);
  process.exit(1);
});
process.on('unhandledRejection', (reason) => {
  port.postMessage({
    kind: 'log',
    level: 'error',
    message: 'unhandled rejection in the engine',
    context: {
      reason: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason),
    },
  } satisfies EngineToMain);
});

// The engine lives until main stops it (engine:stop, then process.exit): an open port alone is not
// relied on to keep the process alive while there is nothing else to do (signed out).
setInterval(() => undefined, 2 ** 30);

hostEngine(port, { exit: (code) => process.exit(code) });
