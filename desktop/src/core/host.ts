import type { ConversationView, ExportResult } from '../common/contract';
import type { ClientParts } from './client-parts';
import type { LinkPreviewMaker } from './link-preview/link-preview-maker';
import type { SqlDriver } from './local-store/sql';
import type { CodeFromBrowser } from './sso-sign-in';

/*
 * What the engine needs from the place it runs in (DESIGN §10, "one engine, several hosts"). The
 * sync logic, the store and the views exist once in desktop/src/core; each host gives these parts:
 * Node (tests, benchmarks, Electron's utility process) in host.node.ts, a browser Worker in
 * desktop/src/web/worker-host.ts. A part grows here when the engine needs one more thing only a
 * host can do. Everything else the engine uses is in both (fetch, WebSocket, timers, TextEncoder,
 * crypto.getRandomValues, Intl.Segmenter).
 */
export interface EngineHost {
  /** Opens the account caches (better-sqlite3 in Node, sqlite-wasm over OPFS in a Worker). */
  sql: SqlDriver;
  /** The profile's files: the saved session, outbox attachments, the media cache. */
  files: HostFiles;
  /** SHA-256 of bytes or UTF-8 text, as lowercase hex (names cached media by content). */
  sha256Hex(data: Uint8Array | string): string;
  /**
   * Uploads bytes with progress (Node: http with chunked writes). Absent: fetch, whose progress is
   * only "nothing yet" and "all".
   */
  upload?: HostUpload;
  /** Catches single sign-on's redirect (Node: a loopback server). Absent: single sign-on is refused. */
  codeFromBrowser?: CodeFromBrowser;
  /** Makes link previews on this device (Node: its own fetch). Absent: none are made. */
  linkPreviews?: () => LinkPreviewMaker;
  /** "Export my data" into a folder (Node: a zip file). Absent: unsupported on this host. */
  exportData?: (
    parts: ClientParts,
    conversations: readonly ConversationView[],
    dir: string,
  ) => Promise<ExportResult>;
}

/** One POST of bytes with headers; progress as bytes are taken. Answers the status and body. */
export type HostUpload = (
  url: string,
  headers: Record<string, string>,
  bytes: Uint8Array,
  onProgress: (sent: number, total: number) => void,
) => Promise<{ status: number; body: string }>;

/**
 * Files by path, synchronously (the outbox and the media cache write inside the store's flow).
 * Node: the file system. Browser: OPFS (see desktop/src/web/opfs-files.ts).
 */
export interface HostFiles {
  /** Joins path parts with this host's separator. */
  join(...parts: string[]): string;
  /** The folder part of a path. */
  dirname(file: string): string;
  exists(file: string): boolean;
  /** Makes a folder and its parents (where the host has folders). */
  makeDir(dir: string): void;
  /** The file's bytes, or null when there is none. */
  read(file: string): Uint8Array | null;
  /** Writes the whole file (folders are made as needed). */
  write(file: string, data: Uint8Array | string): void;
  /** Removes a file; nothing happens when it is missing. */
  remove(file: string): void;
  /** Removes a folder with everything in it; nothing happens when it is missing. */
  removeTree(dir: string): void;
}
