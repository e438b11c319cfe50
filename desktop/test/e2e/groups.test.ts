/**
 * Groups as people use them (issue #15), in Chromium over real engines and a real server: Ana
 * (the owner) writes a description with a link, and turns "Send messages: Only admins" on; Bob's
 * composer is replaced by "Only admins can send messages" live, and comes back when she turns it off.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumAvailable } from './browser';
import { useRig } from './rig';

const runBrowser = chromiumAvailable();

// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)('groups: description and who may send (Chromium)', () => {
  const rig = useRig();

  const person = (displayName: string) => rig.person(displayName);
  const row = (page: Page, id: string) =>
    page.getByRole('navigation', { name: 'Conversations' }).locator(`[data-row-id="${id}"]`);

  it('Ana describes the group and lets only admins send; Bob sees the notice live, then his composer again', async () => {
    const ana = await person('Ana Lima');
    const bob = await person('Bob Stone');
    const chat = await ana.engine.client.createGroup({ title: 'Hikers', memberIds: [bob.userId] });
    await row(ana.page, chat.id).click();
    await row(bob.page, chat.id).click();
    await bob.page.getByRole('textbox', { name: 'Message' }).waitFor();

    await ana.page.getByRole('button', { name: 'Group info: Hikers' }).click();
    await ana.page.getByRole('button', { name: 'Add description' }).click();
    await ana.page
      .getByLabel('Group description')
      .fill('Saturdays at 8.\nPlan: https://example.org/plan');
    await ana.page.getByRole('button', { name: 'Save description' }).click();
    const description = ana.page.getByRole('region', { name: 'Group description' });
    await expect
      .poll(() => description.getByRole('link', { name: 'https://example.org/plan' }).count())
      .toBe(1);

    const send = ana.page.getByRole('group', { name: 'Send messages' });
    await send.getByRole('radio', { name: 'Only admins' }).check();
    const notice = bob.page.getByRole('note').filter({ hasText: 'Only admins can send messages' });
    await notice.waitFor();
    expect(await bob.page.getByRole('textbox', { name: 'Message' }).count()).toBe(0);
    // Ana (the owner) still writes.
    expect(await ana.page.getByRole('textbox', { name: 'Message' }).count()).toBe(1);

    await send.getByRole('radio', { name: 'All members' }).check();
    await bob.page.getByRole('textbox', { name: 'Message' }).waitFor();
    expect(await notice.count()).toBe(0);
  });

  it('Ana adds Carl from the group info by his username; the search clears and Carl has the group', async () => {
    const ana = await person('Ana Lima');
    const bob = await person('Bob Stone');
    const carl = await person('Carl Ray');
    const chat = await ana.engine.client.createGroup({
      title: 'Cyclists',
      memberIds: [bob.userId],
    });
    await row(ana.page, chat.id).click();
    await ana.page.getByRole('button', { name: 'Group info: Cyclists' }).click();
    await ana.page.getByRole('heading', { name: '2 members' }).waitFor();

    const search = ana.page.getByLabel('Add people by username');
    await search.fill(carl.username);
    await ana.page.getByRole('button', { name: 'Add Carl Ray' }).click();
    expect(await search.inputValue()).toBe('');
    await ana.page.getByRole('heading', { name: '3 members' }).waitFor();
    await row(carl.page, chat.id).waitFor();
  });
});
