import { describe, expect, it } from 'vitest';
import type { Invite } from '@chitchat/shared';
import { http, register } from '@chitchat/server/testing';
import { uniqueUser, PASSWORD } from '../engines';
import { chromiumAvailable, screenshot } from './browser';
import { useRig } from './rig';
import { audit } from './axe';

const runBrowser = chromiumAvailable();

/**
 * Settings → Invite people (issue #18, MEMBER_INVITES=true) in Chromium against a real server
 * that asks for invites: a member makes a single-use invite, copies it, a newcomer registers
 * with it, and the member revokes another one. Without MEMBER_INVITES the section is not shown
 * (admin.test.ts, a member's settings).
 */
// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)('a member invites people (Chromium)', () => {
  const rig = useRig({ REGISTRATION: 'invite', MEMBER_INVITES: true });

  it('makes a single-use invite in Settings, which admits one newcomer; revokes another', async () => {
    const admin = await register(rig.server, uniqueUser('olga'), PASSWORD);
    const invite = await http<Invite>(rig.server, 'POST', '/api/invites', {
      token: admin.accessToken,
    });
    const memberName = uniqueUser('pete');
    const member = await http<{ accessToken: string }>(rig.server, 'POST', '/api/auth/register', {
      body: { username: memberName, password: PASSWORD, inviteCode: invite.body.code },
    });
    expect(member.status).toBe(201);

    const { page } = await rig.device('Pete laptop');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByLabel('Username').fill(memberName);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    const section = settings.getByRole('region', { name: 'Invite people' });
    await section.waitFor();
    expect(await settings.getByRole('region', { name: 'Administration' }).count()).toBe(0);
    // Single-use: no uses field, only how long it works.
    const form = section.getByRole('form', { name: 'New invite' });
    expect(await form.getByLabel('Uses').count()).toBe(0);
    await form.getByRole('button', { name: 'Create invite' }).click();
    const list = section.getByRole('list', { name: 'Invite people' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    await form.getByRole('button', { name: 'Create invite' }).click();
    await expect.poll(() => list.getByRole('listitem').count()).toBe(2);

    const mine = (
      await http<{ invites: Invite[] }>(rig.server, 'GET', '/api/invites', {
        token: member.body.accessToken,
      })
    ).body.invites;
    expect(mine.map((i) => i.maxUses)).toEqual([1, 1]);
    const [second, first] = mine;
    if (first === undefined || second === undefined) throw new Error('two invites expected');
    const row = list.getByRole('listitem', { name: `Invite ${first.code}` });
    await expect.poll(() => row.textContent()).toContain('0 of 1 used');
    await row.getByRole('button', { name: 'Copy code' }).click();
    await row.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first.code);

    // The copied code admits one newcomer, once.
    const newcomer = await http(rig.server, 'POST', '/api/auth/register', {
      body: { username: uniqueUser('nina'), password: PASSWORD, inviteCode: first.code },
    });
    expect(newcomer.status).toBe(201);
    const again = await http(rig.server, 'POST', '/api/auth/register', {
      body: { username: uniqueUser('otto'), password: PASSWORD, inviteCode: first.code },
    });
    expect(again.status).toBe(403);

    page.once('dialog', (d) => void d.accept());
    await list
      .getByRole('listitem', { name: `Invite ${second.code}` })
      .getByRole('button', { name: `Revoke invite ${second.code}` })
      .click();
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    await screenshot(page, 'member-invites-01-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'member-invites-02-dark');
    expect(await audit(page, 'member-invites-dark')).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await audit(page, 'member-invites-light')).toEqual([]);
  });
});
