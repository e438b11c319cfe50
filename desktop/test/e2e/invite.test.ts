import { describe, expect, it } from 'vitest';
import { http, register } from '@chitchat/server/testing';
import { uniqueUser, PASSWORD } from '../engines';
import { chromiumAvailable, screenshot } from './browser';
import { useRig } from './rig';
import { audit } from './axe';

const runBrowser = chromiumAvailable();

// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)('signing up on a server that asks for invites (Chromium)', () => {
  // The default REGISTRATION (invite): the first account is the admin, everyone after needs a code.
  const rig = useRig({ REGISTRATION: 'invite' });

  it('without an invite the server says what it needs; a pasted invite link fills the server and signs up', async () => {
    const admin = await register(rig.server, uniqueUser('admin'), PASSWORD);
    expect(admin.user.role).toBe('admin');
    const made = await http<{ code: string }>(rig.server, 'POST', '/api/invites', {
      token: admin.accessToken,
      body: { maxUses: 1 },
    });
    expect(made.status).toBe(201);
    const link = `${rig.server.url}/invite/${made.body.code}`;

    const { page } = await rig.device('Ben laptop');
    await page.getByRole('button', { name: 'New here? Create an account' }).click();
    // The address is wrong on purpose: the link must bring the right one.
    await page.getByLabel('Server address').fill('http://127.0.0.1:9');
    await page.getByLabel('Username').fill(uniqueUser('ben'));
    await page.getByLabel('Display name (optional)').fill('Ben Okafor');
    await page.getByLabel('Password').fill(PASSWORD);

    await page.getByLabel('Invite code or link (if the server asks for one)').fill('not a code!');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('not an invite code or link');

    await page.getByLabel('Invite code or link (if the server asks for one)').fill('');
    await page.getByLabel('Server address').fill(rig.server.url);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('needs an invite to register');
    await screenshot(page, 'invite-01-needed');

    await page.getByLabel('Server address').fill('http://127.0.0.1:9');
    await page.getByLabel('Invite code or link (if the server asks for one)').fill(link);
    expect(await page.getByLabel('Server address').inputValue()).toBe(rig.server.url);
    expect(await audit(page, 'sign-up-invite')).toEqual([]);
    await screenshot(page, 'invite-02-link-pasted');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await screenshot(page, 'invite-03-signed-up');

    // The invite had one use: it is spent.
    const invites = await http<{ invites: { code: string; uses: number }[] }>(
      rig.server,
      'GET',
      '/api/invites',
      { token: admin.accessToken },
    );
    expect(invites.body.invites.find((i) => i.code === made.body.code)?.uses).toBe(1);
  });
});
