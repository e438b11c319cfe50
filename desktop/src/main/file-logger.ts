/**
 * Main's log: one JSON object per line in the profile's logs folder, with the engine's lines
 * relayed into it. The file starts over (keeping one previous file) when it grows past a limit.
 */
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import type { EngineLogger } from '../core/emitter';

export type MainLogger = EngineLogger & {
  info(message: string, context?: Record<string, unknown>): void;
};

export const LOG_MAX_BYTES = 5 * 1024 * 1024;

export function createFileLogger(
  file: string,
  options: { echo?: (line: string) => void; maxBytes?: number; now?: () => Date } = {},
): MainLogger {
  const maxBytes = options.maxBytes ?? LOG_MAX_BYTES;
  const now = options.now ?? (() => new Date());
  mkdirSync(path.dirname(file), { recursive: true });
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    size = 0;
  }
  const write = (level: string, message: string, context?: Record<string, unknown>) => {
    let line: string;
    try {
      line = `${JSON.stringify({ time: now().toISOString(), level, message, ...context })}\n`;
    } catch {
      line = `${JSON.stringify({ time: now().toISOString(), level, message })}\n`;
    }
    const bytes = Buffer.byteLength(line);
    try {
      if (size > 0 && size + bytes > maxBytes) {
        renameSync(file, `${file}.1`);
        size = 0;
      }
      appendFileSync(file, line);
      size += bytes;
    } catch {
      // A full or read-only disk must not take the app down with it.
    }
    options.echo?.(line.trimEnd());
  };
  return {
    debug: (message, context) => write('debug', message, context),
    info: (message, context) => write('info', message, context),
    warn: (message, context) => write('warn', message, context),
    error: (message, context) => write('error', message, context),
  };
}
