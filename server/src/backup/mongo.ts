import { spawn } from 'node:child_process';
import { BackupError } from './manifest';

/**
 * Backups of the scaled (MongoDB) store use MongoDB's own tools (DESIGN §9), from the MongoDB
 * Database Tools package: `mongodump` reads a replica set consistently with `--oplog` (the writes
 * made while it runs are replayed to one point in time), and GridFS media is two collections of
 * the same database, so one archive holds accounts, conversations, events and media alike.
 * These are the exact command lines; a restore then gives the store a new epoch itself.
 */
export interface ToolRun {
  command: string;
  args: string[];
}

/** `mongodump` of the whole deployment into one gzipped archive file. */
export const mongodumpRun = (uri: string, archive: string): ToolRun => ({
  command: 'mongodump',
  // --oplog needs the whole deployment (no --db): what a replica set backup is.
  args: [`--uri=${uri}`, `--archive=${archive}`, '--gzip', '--oplog'],
});

/**
 * `mongorestore` of such an archive: `--drop` replaces each collection it restores (the old
 * documents would otherwise mix with the backup's), `--oplogReplay` brings it to the dump's end.
 */
export const mongorestoreRun = (uri: string, archive: string): ToolRun => ({
  command: 'mongorestore',
  args: [`--uri=${uri}`, `--archive=${archive}`, '--gzip', '--drop', '--oplogReplay'],
});

/** The URI with its password hidden, for what is printed. */
export const printable = (run: ToolRun): string =>
  [run.command, ...run.args.map((arg) => arg.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@'))].join(' ');

/**
 * Runs a tool with its output passed through; rejects with what to install when it is missing,
 * and with its exit status when it fails.
 */
export function runTool(run: ToolRun): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(run.command, run.args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new BackupError(
          error.code === 'ENOENT'
            ? `${run.command} is not installed: install the MongoDB Database Tools (https://www.mongodb.com/docs/database-tools/) on this machine, then run the command again.`
            : `${run.command} could not start: ${error.message}`,
        ),
      );
    });
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new BackupError(
            `${printable(run)} failed (${signal ?? `exit status ${code}`}); its output is above.`,
          ),
        );
    });
  });
}
