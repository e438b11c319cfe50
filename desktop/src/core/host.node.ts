import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EngineHost, HostFiles } from './host';
import { nodeSqlDriver } from './local-store/driver.node.ts';
import { exportData } from './export/data-export.node.ts';
import { nodeLinkPreviews } from './link-preview/link-preview.node.ts';
import { codeFromBrowser } from './sso-loopback.node.ts';
import { nodeUpload } from './upload.node.ts';

/** The Node host's files: the file system, as the desktop engine always kept them. */
export const nodeFiles: HostFiles = {
  join: (...parts) => path.join(...parts),
  dirname: (file) => path.dirname(file),
  exists: (file) => existsSync(file),
  makeDir: (dir) => void mkdirSync(dir, { recursive: true }),
  read(file) {
    try {
      return new Uint8Array(readFileSync(file));
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return null;
      throw error;
    }
  },
  write(file, data) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, data);
  },
  remove: (file) => rmSync(file, { force: true }),
  removeTree: (dir) => rmSync(dir, { recursive: true, force: true }),
};

/** The Node host: today's desktop engine (better-sqlite3 files, the file system, node:crypto). */
export const nodeHost: EngineHost = {
  sql: nodeSqlDriver,
  files: nodeFiles,
  sha256Hex: (data) => createHash('sha256').update(data).digest('hex'),
  upload: nodeUpload,
  codeFromBrowser,
  linkPreviews: () => nodeLinkPreviews(),
  exportData: (parts, conversations, dir) => exportData(parts, conversations, dir),
};
