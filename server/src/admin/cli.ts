/**
 * `npm run admin -- <command>` (DESIGN §12): over DATA_DIR/admin.sock when the server runs, so the
 * change acts at once; else on the store directly (SQLite in DATA_DIR, or MONGODB_URI).
 */
import { ConfigError, loadConfig } from '../config';
import { createLogger } from '../logger';
import { createAdminService } from '../services/admin';
import { openStore } from '../store/open';
import { ADMIN_HELP, runAdminCommand } from './commands';
import { isDataCommand, runDataCommand } from './data-commands';
import { sendAdminCommand } from './socket';

async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${ADMIN_HELP}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  const config = loadConfig();
  if (isDataCommand(argv)) {
    const outcome = await runDataCommand(config, argv, ADMIN_HELP);
    (outcome.ok ? process.stdout : process.stderr).write(`${outcome.output}\n`);
    return outcome.exitCode;
  }
  const viaServer = await sendAdminCommand(config.DATA_DIR, argv);
  if (viaServer !== null) {
    (viaServer.ok ? process.stdout : process.stderr).write(`${viaServer.output}\n`);
    return viaServer.exitCode;
  }
  // No server runs: nobody is connected, so there are no sockets to close.
  const store = await openStore(config, createLogger('warn'));
  try {
    const admin = createAdminService({
      store,
      sessions: { deviceRevoked: () => undefined },
      publicUrl: config.PUBLIC_URL,
    });
    const outcome = await runAdminCommand(admin, argv);
    (outcome.ok ? process.stdout : process.stderr).write(`${outcome.output}\n`);
    return outcome.exitCode;
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof ConfigError ? error.message : `Error: ${String(error)}`}\n`,
    );
    process.exit(1);
  },
);
