/**
 * Small things main remembers per profile between runs: the window's bounds and which warnings the
 * person has already seen. One JSON file, written atomically; a damaged file counts as empty.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WeakProtection } from './secret-store';
import { parseWindowState, type WindowState } from './window-state';

export interface ShellState {
  window: WindowState | null;
  /** Token-protection warnings already shown (each is shown once per profile). */
  warned: WeakProtection[];
}

const WARNINGS: readonly WeakProtection[] = ['plain-text-fallback', 'memory-only'];

export function parseShellState(raw: unknown): ShellState {
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const warned = Array.isArray(record.warned)
    ? WARNINGS.filter((kind) => (record.warned as unknown[]).includes(kind))
    : [];
  return { window: parseWindowState(record.window), warned };
}

export function loadShellState(file: string): ShellState {
  try {
    return parseShellState(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return { window: null, warned: [] };
  }
}

/** Synchronous on purpose: it also runs while the app quits, when nothing async is awaited. */
export function saveShellState(file: string, state: ShellState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomUUID()}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, file);
}
