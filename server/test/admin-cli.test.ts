import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { adminSocketPath } from '../src/admin/socket';
import { openSqliteStore } from '../src/store/sqlite/index';
import { connect, disconnected, http, login, nextEvent, register, tempDir } from './harness';
import { admin, CLI_TEST_TIMEOUT_MS } from './admin-process';
import { spawnServer, type ServerProcess } from './server-process';

describe('npm run admin', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it(
    'works on the data directory when no server runs: creates, disables, enables, resets, invites',
    async () => {
      const data = tempDir();
      cleanups.push(data.remove);
      const created = await admin(
        data.dir,
        'users',
        'create',
        'olga',
        '--password',
        'first password!',
      );
      expect(created.code).toBe(0);
      expect(created.stdout).toMatch(/Created olga \(admin/);
      const member = await admin(data.dir, 'users', 'create', 'pete');
      expect(member.stdout).toMatch(/Created pete \(member/);
      expect(member.stdout).toMatch(/Password: \S{16}/);

      expect((await admin(data.dir, 'users', 'disable', 'pete')).code).toBe(0);
      const reset = await admin(
        data.dir,
        'users',
        'reset-password',
        'olga',
        '--password',
        'second password!',
      );
      expect(reset.stdout).toMatch(/New password set for olga/);
      const invite = await admin(data.dir, 'invites', 'create', '--uses', '3');
      const code = /code\s+(\S+)/.exec(invite.stdout)?.[1];
      expect(code).toMatch(/^[A-Za-z0-9_-]{24}$/);

      const missing = await admin(data.dir, 'users', 'enable', 'nobody');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/No user "nobody"/);
      const lastAdmin = await admin(data.dir, 'users', 'remove-admin', 'olga');
      expect(lastAdmin.code).toBe(1);
      expect(lastAdmin.stderr).toMatch(/last admin/);
      const usage = await admin(data.dir, 'users', 'frobnicate');
      expect(usage.code).toBe(2);
      expect(usage.stderr).toMatch(/Unknown command[\s\S]*Usage: npm run admin/);

      // Olga lost her authenticator app and recovery codes: the operator turns two-step off.
      const withTwoStep = openSqliteStore(data.dir);
      try {
        const olga = await withTwoStep.findUserByUsername('olga');
        if (olga === null) throw new Error('olga was created');
        const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
        await withTwoStep.setPendingTwoStep(olga.id, secret);
        await withTwoStep.enableTwoStep(olga.id, {
          secret,
          at: 1,
          step: 1,
          recoveryCodeHashes: [],
        });
      } finally {
        await withTwoStep.close();
      }
      const resetTwoStep = await admin(data.dir, 'users', 'reset-two-step', 'olga');
      expect(resetTwoStep.code).toBe(0);
      expect(resetTwoStep.stdout).toMatch(/Two-step sign-in turned off for olga/);

      const store = openSqliteStore(data.dir);
      try {
        expect(
          await store.twoStepOf((await store.findUserByUsername('olga'))?.id ?? ''),
        ).toBeNull();
        const users = await store.listUsers();
        expect(users.map((u) => [u.username, u.role, u.disabledAt !== null])).toEqual([
          ['olga', 'admin', false],
          ['pete', 'member', true],
        ]);
        expect((await store.listInvites()).map((i) => [i.code, i.maxUses, i.createdBy])).toEqual([
          [code, 3, null],
        ]);
      } finally {
        await store.close();
      }

      // The same directory served: the reset password signs in (no second step any more), the
      // disabled account does not.
      const server = await spawnServer({ DATA_DIR: data.dir, REGISTRATION: 'invite' });
      cleanups.push(async () => void (await server.stop()));
      await login(server, 'olga', 'second password!');
      const refused = await http(server, 'POST', '/api/auth/login', {
        body: { username: 'pete', password: 'whatever it was' },
      });
      expect([401, 403]).toContain(refused.status);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'with a server running, goes through its socket: a disabled user is signed out at once',
    async () => {
      const data = tempDir();
      cleanups.push(data.remove);
      const server: ServerProcess = await spawnServer({ DATA_DIR: data.dir });
      cleanups.push(async () => void (await server.stop()));
      // Only the server's owner may talk to it.
      expect(statSync(adminSocketPath(data.dir)).mode & 0o777).toBe(0o600);

      await register(server, 'first_admin');
      const quinn = await register(server, 'quinn');
      const socket = await connect(server, quinn.accessToken);
      cleanups.push(() => void socket.close());
      const notice = nextEvent(socket, 'session:revoked', () => true, 20_000);
      const closed = disconnected(socket, 20_000);

      const disabled = await admin(data.dir, 'users', 'disable', 'quinn');
      expect(disabled.code).toBe(0);
      expect(disabled.stdout).toMatch(/Disabled quinn/);
      expect(await notice).toEqual({ reason: 'disabled' });
      expect(await closed).toBe('io server disconnect');
      const refused = await http(server, 'POST', '/api/auth/login', {
        body: { username: 'quinn', password: 'correct horse battery' },
      });
      expect(refused.status).toBe(403);

      expect((await admin(data.dir, 'users', 'enable', 'quinn')).code).toBe(0);
      await login(server, 'quinn');
      const listed = await admin(data.dir, 'users', 'list');
      expect(listed.stdout).toMatch(/first_admin\s+admin\s+enabled/);
      expect(listed.stdout).toMatch(/quinn\s+member\s+enabled/);
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
