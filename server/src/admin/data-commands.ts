import path from 'node:path';
import type { Config } from '../config';
import { BackupError, describeCounts } from '../backup/manifest';
import { mongodumpRun, mongorestoreRun, printable, runTool } from '../backup/mongo';
import { backupSqlite, restoreSqlite } from '../backup/sqlite';
import { createLogger } from '../logger';
import { openStore } from '../store/open';
import { UsageError, type CommandOutcome } from './commands';
import { copyStore } from './copy-store/command';
import { CopyStoreError } from './copy-store/rows';
import { serverRunsOn } from './socket';

/**
 * The commands that act on the data as a whole (backup, restore, rotate-epoch, copy-store). They run in the
 * CLI process itself, never through a running server: a backup reads the database file beside the
 * server, and a restore or a new epoch must not happen under a server that keeps the old one.
 */
export const DATA_COMMANDS = ['backup', 'restore', 'rotate-epoch', 'copy-store'] as const;

export const isDataCommand = (argv: readonly string[]): boolean =>
  (DATA_COMMANDS as readonly string[]).includes(argv[0] ?? '');

type DataConfig = Pick<Config, 'DATA_DIR' | 'MONGODB_URI'>;

const RUNNING_SERVER =
  'A server is running on this data (it answers on DATA_DIR/admin.sock). Stop every server process first: a running server would keep serving, and overwrite, the old data.';

function fileArgument(args: readonly string[], command: string): string {
  const [file, ...rest] = args.filter((a) => a !== '--force');
  if (file === undefined || file.startsWith('--')) {
    throw new UsageError(`Name the archive file: npm run admin -- ${command} <file>.`);
  }
  if (rest.length > 0) throw new UsageError(`Unexpected argument: ${rest[0]}.`);
  return path.resolve(file);
}

async function run(config: DataConfig, argv: readonly string[]): Promise<string> {
  const [command, ...args] = argv;
  const mongoUri = config.MONGODB_URI;
  switch (command) {
    case 'backup': {
      const file = fileArgument(args, 'backup');
      if (mongoUri !== undefined) {
        const tool = mongodumpRun(mongoUri, file);
        await runTool(tool);
        return `Backed up the MongoDB store to ${file} (${printable(tool)}).`;
      }
      const manifest = await backupSqlite(config.DATA_DIR, file);
      return [
        `Backed up ${describeCounts(manifest.counts)} to ${file}.`,
        ...(manifest.missingMedia > 0
          ? [`${manifest.missingMedia} media file(s) were removed while the backup ran.`]
          : []),
      ].join('\n');
    }
    case 'restore': {
      const file = fileArgument(args, 'restore');
      if (await serverRunsOn(config.DATA_DIR)) throw new BackupError(RUNNING_SERVER);
      if (mongoUri !== undefined) {
        const tool = mongorestoreRun(mongoUri, file);
        await runTool(tool);
        const epoch = await rotateEpoch(config);
        return `Restored the MongoDB store from ${file}. New store epoch ${epoch}: every app resyncs when it reconnects.`;
      }
      const outcome = await restoreSqlite(file, config.DATA_DIR, {
        force: args.includes('--force'),
      });
      return [
        `Restored ${describeCounts(outcome.manifest.counts)} from ${file} (backed up ${outcome.manifest.createdAt}).`,
        ...(outcome.setAside === null ? [] : [`The data that was here is in ${outcome.setAside}.`]),
        `New store epoch ${outcome.storeEpoch}: every app resyncs when it reconnects.`,
      ].join('\n');
    }
    case 'copy-store': {
      const rest = [...args];
      const take = (name: string) => {
        const at = rest.indexOf(name);
        if (at !== -1) rest.splice(at, 1);
        return at !== -1;
      };
      const dryRun = take('--dry-run');
      const force = take('--force');
      let uri = mongoUri;
      const to = rest.indexOf('--to');
      if (to !== -1) {
        uri = rest[to + 1];
        if (uri === undefined || uri.startsWith('--'))
          throw new UsageError('--to needs a MongoDB URI.');
        rest.splice(to, 2);
      }
      if (rest.length > 0) throw new UsageError(`Unexpected argument: ${rest[0]}.`);
      if (!dryRun && uri === undefined) {
        throw new UsageError(
          'Name the MongoDB to copy into: --to <uri>, or MONGODB_URI (or --dry-run to check the copy only).',
        );
      }
      if (!dryRun && (await serverRunsOn(config.DATA_DIR))) throw new BackupError(RUNNING_SERVER);
      return copyStore({
        dataDir: config.DATA_DIR,
        dryRun,
        force,
        ...(uri === undefined ? {} : { uri }),
        progress: (line) => process.stderr.write(`${line}\n`),
      });
    }
    case 'rotate-epoch': {
      if (args.length > 0) throw new UsageError(`Unexpected argument: ${args[0]}.`);
      if (await serverRunsOn(config.DATA_DIR)) throw new BackupError(RUNNING_SERVER);
      const epoch = await rotateEpoch(config);
      return `New store epoch ${epoch}: every app resyncs when it reconnects.`;
    }
  }
  throw new UsageError(`Unknown command: ${command ?? ''}.`);
}

async function rotateEpoch(config: DataConfig): Promise<string> {
  const store = await openStore(config, createLogger('warn'));
  try {
    return await store.rotateStoreEpoch();
  } finally {
    await store.close();
  }
}

/** Runs backup, restore or rotate-epoch; refusals are exit status 1 with the reason. */
export async function runDataCommand(
  config: DataConfig,
  argv: readonly string[],
  help: string,
): Promise<CommandOutcome> {
  try {
    return { ok: true, exitCode: 0, output: await run(config, argv) };
  } catch (error) {
    if (error instanceof UsageError) {
      return { ok: false, exitCode: 2, output: `${error.message}\n\n${help}` };
    }
    if (error instanceof BackupError || error instanceof CopyStoreError) {
      return { ok: false, exitCode: 1, output: `Error: ${error.message}` };
    }
    throw error;
  }
}
