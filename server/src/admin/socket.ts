import { chmodSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../logger';
import type { AdminService } from '../services/admin';
import { runAdminCommand, type CommandOutcome } from './commands';

/** The admin socket's file in DATA_DIR; only the server's owner may connect (mode 0600). */
export const ADMIN_SOCKET_NAME = 'admin.sock';
export const adminSocketPath = (dataDir: string): string =>
  path.join(path.resolve(dataDir), ADMIN_SOCKET_NAME);

/** One request per connection: `{ argv }` as one JSON line; the answer is a CommandOutcome line. */
const requestSchema = z.object({ argv: z.array(z.string().max(1_000)).max(32) });
const outcomeSchema = z.object({ ok: z.boolean(), exitCode: z.number().int(), output: z.string() });
const REQUEST_MAX_BYTES = 64 * 1024;

/** Whether something answers on the socket (a live server) rather than a file left by a crash. */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/** Whether a server process serves DATA_DIR now (it answers on the admin socket). */
export const serverRunsOn = (dataDir: string): Promise<boolean> =>
  answers(adminSocketPath(dataDir));

/**
 * Serves `npm run admin` on DATA_DIR/admin.sock, so its changes act on this process's live state
 * (disabling closes sockets at once; with a cluster adapter, on every process). When another
 * process sharing DATA_DIR already serves it, this one does not: either process reaches every
 * socket. Resolves with a close function, or null when not serving.
 */
export async function serveAdminSocket(
  dataDir: string,
  admin: AdminService,
  logger: Logger,
): Promise<(() => Promise<void>) | null> {
  const socketPath = adminSocketPath(dataDir);
  if (await answers(socketPath)) {
    logger.info({ socketPath }, 'another server process serves the admin socket');
    return null;
  }
  rmSync(socketPath, { force: true });
  const server: Server = createServer((connection) => {
    let buffered = '';
    connection.setEncoding('utf8');
    connection.on('error', () => connection.destroy());
    connection.on('data', (chunk: string) => {
      buffered += chunk;
      if (buffered.length > REQUEST_MAX_BYTES) {
        connection.destroy();
        return;
      }
      const newline = buffered.indexOf('\n');
      if (newline === -1) return;
      connection.pause();
      void answer(buffered.slice(0, newline)).then((outcome) => {
        connection.end(`${JSON.stringify(outcome)}\n`);
      });
    });
  });
  const answer = async (line: string): Promise<CommandOutcome> => {
    try {
      const request = requestSchema.parse(JSON.parse(line));
      const outcome = await runAdminCommand(admin, request.argv);
      logger.info({ command: request.argv.slice(0, 2), ok: outcome.ok }, 'admin command');
      return outcome;
    } catch (error) {
      logger.error({ err: error }, 'admin command failed');
      return {
        ok: false,
        exitCode: 1,
        output: 'Error: the server could not run the command; see its log.',
      };
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Owner only: the socket holds the powers of an admin.
  chmodSync(socketPath, 0o600);
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      rmSync(socketPath, { force: true });
    });
}

/**
 * Sends one command to a running server. Null when no server listens on the socket (none runs,
 * or a file left by a crash), so the caller works on the store directly.
 */
export function sendAdminCommand(
  dataDir: string,
  argv: readonly string[],
): Promise<CommandOutcome | null> {
  return new Promise((resolve, reject) => {
    const connection = createConnection(adminSocketPath(dataDir));
    let answer = '';
    let connected = false;
    connection.setEncoding('utf8');
    connection.once('connect', () => {
      connected = true;
      connection.write(`${JSON.stringify({ argv })}\n`);
    });
    connection.on('data', (chunk: string) => (answer += chunk));
    connection.once('error', (error: NodeJS.ErrnoException) => {
      if (!connected && ['ENOENT', 'ECONNREFUSED'].includes(error.code ?? '')) resolve(null);
      else reject(error);
    });
    connection.once('end', () => {
      try {
        resolve(outcomeSchema.parse(JSON.parse(answer)));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}
