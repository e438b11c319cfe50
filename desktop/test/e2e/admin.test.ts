import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generate } from 'otplib';
import type { AdminUser, Invite } from '@chitchat/shared';
import { http, register } from '@chitchat/server/testing';
import { uniqueUser, PASSWORD } from '../engines';
import { chromiumAvailable, screenshot } from './browser';
import { useRig } from './rig';
import { audit } from './axe';

const runBrowser = chromiumAvailable();

/**
 * Settings → Administration and Settings → Two-step sign-in (issue #18) in Chromium against a real
 * server that asks for invites: the first account is the admin and manages users and invites in
 * the app; a member sees no such section and the routes refuse them; two-step sign-in is turned
 * on with a code from an authenticator (otplib here) and then asked for at sign-in.
 */
// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)('administration and two-step sign-in (Chromium)', () => {
  const rig = useRig({ REGISTRATION: 'invite' });

  const device = (name: string) => rig.device(name);
  const conversations = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });
  const signIn = async (page: Page, username: string) => {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };
  const openSettings = async (page: Page) => {
    await page.getByRole('button', { name: 'Settings' }).click();
    return page.getByRole('dialog', { name: 'Settings' });
  };
  const usersOnServer = async (token: string) =>
    (await http<{ users: AdminUser[] }>(rig.server, 'GET', '/api/admin/users', { token })).body
      .users;

  let adminName = '';
  let adminToken = '';
  let memberName = '';

  it('an admin manages users and invites in the app; each change asks first', async () => {
    adminName = uniqueUser('olga');
    // The first account on the empty server: its admin.
    const admin = await register(rig.server, adminName, PASSWORD);
    expect(admin.user.role).toBe('admin');
    adminToken = admin.accessToken;
    const invite = await http<Invite>(rig.server, 'POST', '/api/invites', { token: adminToken });
    memberName = uniqueUser('pete');
    const member = await http<{ user: AdminUser }>(rig.server, 'POST', '/api/auth/register', {
      body: {
        username: memberName,
        password: PASSWORD,
        inviteCode: invite.body.code,
        displayName: 'Pete Member',
      },
    });
    expect(member.status).toBe(201);

    const { page } = await device('Olga laptop');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await signIn(page, adminName);
    await conversations(page).waitFor();
    const settings = await openSettings(page);
    const section = settings.getByRole('region', { name: 'Administration' });
    await section.waitFor();
    await expect.poll(() => section.textContent()).toContain('Invite only');
    const users = section.getByRole('list', { name: 'Users' });
    await expect.poll(() => users.getByRole('listitem').count()).toBe(2);

    // Search narrows the list.
    await section.getByLabel('Search users').fill('pete');
    await expect.poll(() => users.getByRole('listitem').count()).toBe(1);
    const pete = users.getByRole('listitem', { name: `Pete Member (@${memberName})` });

    // Disable asks first: dismissed, nothing changes; accepted, the account is disabled at once.
    page.once('dialog', (d) => void d.dismiss());
    await pete.getByRole('button', { name: 'Disable Pete Member' }).click();
    expect(
      (await usersOnServer(adminToken)).find((u) => u.username === memberName)?.disabledAt,
    ).toBeNull();
    page.once('dialog', (d) => void d.accept());
    await pete.getByRole('button', { name: 'Disable Pete Member' }).click();
    await pete.getByText('Disabled', { exact: true }).waitFor();
    expect(
      (await usersOnServer(adminToken)).find((u) => u.username === memberName)?.disabledAt,
    ).not.toBeNull();
    await screenshot(page, 'admin-01-user-disabled');
    page.once('dialog', (d) => void d.accept());
    await pete.getByRole('button', { name: 'Enable Pete Member' }).click();
    await pete.getByRole('button', { name: 'Disable Pete Member' }).waitFor();

    // Make admin, then remove admin again.
    page.once('dialog', (d) => void d.accept());
    await pete.getByRole('button', { name: 'Make admin: Pete Member' }).click();
    await pete.getByRole('button', { name: 'Remove admin: Pete Member' }).waitFor();
    expect((await usersOnServer(adminToken)).find((u) => u.username === memberName)?.role).toBe(
      'admin',
    );
    page.once('dialog', (d) => void d.accept());
    await pete.getByRole('button', { name: 'Remove admin: Pete Member' }).click();
    await pete.getByRole('button', { name: 'Make admin: Pete Member' }).waitFor();
    await section.getByLabel('Search users').fill('');

    // Invites: the one made above (used), and a new one with 3 uses for 2 hours.
    const invites = section.getByRole('list', { name: 'Invites' });
    await expect.poll(() => invites.getByRole('listitem').count()).toBe(1);
    const form = section.getByRole('form', { name: 'New invite' });
    await form.getByLabel('Uses').fill('3');
    await form.getByLabel('Valid for (hours)').fill('2');
    await form.getByRole('button', { name: 'Create invite' }).click();
    await expect.poll(() => invites.getByRole('listitem').count()).toBe(2);
    const made = (
      await http<{ invites: Invite[] }>(rig.server, 'GET', '/api/invites', { token: adminToken })
    ).body.invites.find((i) => i.maxUses === 3);
    expect(made).toBeDefined();
    if (made === undefined) return;
    expect(made.expiresAt - made.createdAt).toBe(2 * 3_600_000);
    const row = invites.getByRole('listitem', { name: `Invite ${made.code}` });
    await expect.poll(() => row.textContent()).toContain('0 of 3 used');
    await row.getByRole('button', { name: 'Copy code' }).click();
    await row.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(made.code);
    await screenshot(page, 'admin-02-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'admin-03-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await audit(page, 'administration')).toEqual([]);

    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: `Revoke invite ${made.code}` }).click();
    await expect.poll(() => invites.getByRole('listitem').count()).toBe(1);
    const left = await http<{ invites: Invite[] }>(rig.server, 'GET', '/api/invites', {
      token: adminToken,
    });
    expect(left.body.invites.map((i) => i.code)).not.toContain(made.code);
  });

  it('a member sees no Administration section, and the routes refuse them', async () => {
    const { page } = await device('Pete laptop');
    await signIn(page, memberName);
    await conversations(page).waitFor();
    const settings = await openSettings(page);
    // The two-step section comes from the same answer as the role, so once it shows, the role is known.
    await settings.getByRole('region', { name: 'Two-step sign-in' }).waitFor();
    expect(await settings.getByRole('region', { name: 'Administration' }).count()).toBe(0);
    const token = (
      await http<{ accessToken: string }>(rig.server, 'POST', '/api/auth/login', {
        body: { username: memberName, password: PASSWORD },
      })
    ).body.accessToken;
    for (const [method, route] of [
      ['GET', '/api/admin/users'],
      ['GET', '/api/admin/server'],
      ['GET', '/api/invites'],
      ['POST', '/api/invites'],
    ] as const) {
      expect(
        (
          await http(rig.server, method, route, {
            token,
            ...(method === 'POST' ? { body: {} } : {}),
          })
        ).status,
      ).toBe(403);
    }
  });

  it('two-step sign-in: turned on with a code from the app, then sign-in asks for a code', async () => {
    const { page } = await device('Olga phone');
    await signIn(page, adminName);
    await conversations(page).waitFor();
    const settings = await openSettings(page);
    const twoStep = settings.getByRole('region', { name: 'Two-step sign-in' });
    await twoStep.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    await twoStep.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    const secret = (await twoStep.locator('.two-step-secret').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await twoStep.getByLabel('Code from the app').fill('000000');
    await twoStep.getByRole('button', { name: 'Turn on' }).click();
    await expect.poll(() => twoStep.textContent()).toContain('That code is not right');
    await twoStep.getByLabel('Code from the app').fill(await generate({ secret }));
    await screenshot(page, 'two-step-01-scan');
    expect(await audit(page, 'two-step-setup')).toEqual([]);
    await twoStep.getByRole('button', { name: 'Turn on' }).click();
    const codes = twoStep.getByRole('list', { name: 'Recovery codes' });
    await expect.poll(() => codes.getByRole('listitem').count()).toBe(10);
    const recoveryCodes = await codes.getByRole('listitem').allTextContents();
    const recovery = recoveryCodes[0] ?? '';
    await screenshot(page, 'two-step-02-recovery-codes');
    await twoStep.getByRole('button', { name: 'I have saved them' }).click();
    await expect.poll(() => twoStep.textContent()).toContain('10 recovery codes left');

    // Signing in anew: the password, then the code (a recovery code here: a TOTP code of the
    // same 30 s step as the one that confirmed would be a replay, and is refused).
    await settings.getByRole('button', { name: 'Sign out of this device' }).click();
    await signIn(page, adminName);
    const code = page.getByLabel('Two-step code');
    await code.waitFor();
    await code.fill('not-the-code');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('That code is not right');
    await screenshot(page, 'two-step-03-code-asked');
    expect(await audit(page, 'two-step-sign-in')).toEqual([]);
    await code.fill(recovery);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await conversations(page).waitFor();
    const after = await openSettings(page);
    await expect
      .poll(() => after.getByRole('region', { name: 'Two-step sign-in' }).textContent())
      .toContain('9 recovery codes left');

    // New recovery codes (for one of the old ones): ten again, and the old ones stop working.
    const section = after.getByRole('region', { name: 'Two-step sign-in' });
    await section.getByRole('button', { name: 'New recovery codes' }).click();
    const renewForm = section.getByRole('form', { name: 'New recovery codes' });
    const oldCodes = recoveryCodes.slice(1);
    await renewForm.getByLabel('Code from the app, or a recovery code').fill(oldCodes[0] ?? '');
    await renewForm.getByRole('button', { name: 'Make new codes' }).click();
    const fresh = section.getByRole('list', { name: 'Recovery codes' });
    await expect.poll(() => fresh.getByRole('listitem').count()).toBe(10);
    const freshCodes = await fresh.getByRole('listitem').allTextContents();
    expect(freshCodes.some((c) => oldCodes.includes(c))).toBe(false);
    const stale = await http(rig.server, 'POST', '/api/auth/login', {
      body: { username: adminName, password: PASSWORD, twoStepCode: oldCodes[1] },
    });
    expect(stale.status).toBe(401);
  });
});
