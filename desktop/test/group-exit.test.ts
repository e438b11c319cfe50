/**
 * Exiting a group and deleting it for me (issue #15), over a real server and real engines: Alice
 * (two devices) exits a group Bob owns: it stays in the list read-only on both devices; she
 * deletes it on the laptop and it leaves the list on the phone too, across a restart; Bob adds
 * her again and it comes back with the new membership period's messages only. An owner who exits
 * passes the group on to the longest-serving admin.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationView } from '../src/common/contract';
import { unreadTotal } from '../src/common/unread';
import type { ChatClient } from '../src/core/chat-client';
import {
  type Engine,
  conversationOf,
  engine,
  online,
  PASSWORD,
  showsTexts,
  signedInEngine,
  textsIn,
  until,
  wholeHistory,
} from './engines';
import { serverPerTest } from './server-per-test';

const chatWhere = (
  client: ChatClient,
  conversationId: string,
  check: (c: ConversationView | undefined) => boolean,
  what: string,
) =>
  until(
    client,
    async () => {
      const c = await conversationOf(client, conversationId);
      return check(c) ? { view: c } : undefined;
    },
    15_000,
    what,
  );

describe('exit group and delete group for me (issue #15)', () => {
  const rig = serverPerTest();
  const signedUp = (name: string) => rig.signedUp(name);

  /** Bob's group "Team" with Alice, who has a laptop and a phone. */
  const bobsTeamWithAlice = async () => {
    const bob = await signedUp('Bob');
    const alice = await signedUp('Alice');
    const phone = await signedInEngine(rig.server.url, alice.username, rig.engines, {
      deviceName: 'Phone',
    });
    const team = await bob.client.createGroup({ title: 'Team', memberIds: [alice.userId] });
    return { bob, alice, phone, team };
  };

  /** Stops a device's engine and starts it again on the same profile, online. */
  const restart = async (device: Engine) => {
    const { profileDir, secrets } = device;
    await device.client.stop();
    rig.engines.splice(rig.engines.indexOf(device), 1);
    const restarted = await engine({ profileDir, secrets });
    rig.engines.push(restarted);
    await online(restarted.client);
    return restarted;
  };

  it('exit leaves the group read-only on both devices; delete for me removes it everywhere, across a restart; a re-add brings it back with the new period only', async () => {
    const { bob, alice, phone, team } = await bobsTeamWithAlice();
    await bob.client.sendMessage({ conversationId: team.id, text: 'old news' });
    await showsTexts(phone.client, team.id, ['old news']);

    await alice.client.leaveGroup(team.id);
    for (const device of [alice.client, phone.client]) {
      const { view } = await chatWhere(device, team.id, (c) => c?.status === 'left', 'left');
      expect(view?.title).toBe('Team');
    }
    await bob.client.sendMessage({ conversationId: team.id, text: 'after alice left' });
    await expect(
      alice.client.sendMessage({ conversationId: team.id, text: 'still here?' }),
    ).rejects.toMatchObject({ code: 'forbidden' });

    // A member cannot delete a group they are still in.
    await expect(bob.client.deleteGroupForMe(team.id)).rejects.toMatchObject({ code: 'forbidden' });

    await alice.client.deleteGroupForMe(team.id);
    expect(await conversationOf(alice.client, team.id)).toBeUndefined();
    await chatWhere(phone.client, team.id, (c) => c === undefined, 'gone on the phone');

    // The phone restarts: still gone (the account state is kept on the device and the server).
    const restarted = await restart(phone);
    expect(await conversationOf(restarted.client, team.id)).toBeUndefined();
    // Search finds nothing of it either.
    const hits = await restarted.client.searchMessages('news');
    expect(hits.filter((h) => h.conversationId === team.id)).toEqual([]);

    // Bob adds her again: back on both devices, showing only what follows the re-add.
    await bob.client.updateGroup({ conversationId: team.id, add: [alice.userId] });
    await bob.client.sendMessage({ conversationId: team.id, text: 'welcome back' });
    for (const device of [alice.client, restarted.client]) {
      await chatWhere(device, team.id, (c) => c?.status === 'active', 'back in the list');
      await until(
        device,
        async () => {
          const texts = textsIn(await wholeHistory(device, team.id));
          return texts.includes('welcome back') ? texts : undefined;
        },
        15_000,
        'the new message',
      );
      const texts = textsIn(await wholeHistory(device, team.id));
      expect(texts).not.toContain('old news');
      expect(texts).not.toContain('after alice left');
      expect(texts).toContain('welcome back');
    }
  });

  it("a deleted group's unread leaves the badge on every device, across a restart, a fresh sync and a re-add", async () => {
    const { bob, alice, phone, team } = await bobsTeamWithAlice();
    const chat = await bob.client.startDirectChat(alice.userId);
    const GROUP_UNREAD = 40;
    for (let i = 0; i < GROUP_UNREAD; i++)
      await bob.client.sendMessage({ conversationId: team.id, text: `team ${i}` });
    for (const text of ['one', 'two', 'three'])
      await bob.client.sendMessage({ conversationId: chat.id, text });
    /** Waits until the badge (the dock's and the tab title's count) shows `count` on `device`. */
    const badgeShows = (device: ChatClient, count: number, what: string) =>
      until(
        device,
        async () => {
          const total = unreadTotal(await device.listConversations());
          return total === count ? total : undefined;
        },
        20_000,
        `${what}: badge ${count}`,
      );
    for (const device of [alice.client, phone.client])
      await badgeShows(device, GROUP_UNREAD + 3, 'before');

    // Exited unread: the left group still counts until read (or deleted).
    await alice.client.leaveGroup(team.id);
    await bob.client.sendMessage({ conversationId: team.id, text: 'after alice left' });
    for (const device of [alice.client, phone.client])
      await chatWhere(device, team.id, (c) => c?.status === 'left', 'left');
    expect(unreadTotal(await alice.client.listConversations())).toBe(GROUP_UNREAD + 3);

    await alice.client.deleteGroupForMe(team.id);
    for (const device of [alice.client, phone.client]) await badgeShows(device, 3, 'deleted');

    // A restart of the phone and a device that syncs from nothing both agree.
    const restarted = await restart(phone);
    // The fresh device records every badge it shows while it syncs: the chat list may arrive
    // before the account state, and the deleted group must not count even then.
    const fresh = await engine({ deviceName: 'Tablet' });
    rig.engines.push(fresh);
    const freshBadges: number[] = [];
    fresh.client.events.on('conversations', (views) => freshBadges.push(unreadTotal(views)));
    await fresh.client.signIn({
      serverUrl: rig.server.url,
      username: alice.username,
      password: PASSWORD,
    });
    await online(fresh.client);
    for (const device of [restarted.client, fresh.client])
      await badgeShows(device, 3, 'restarted or fresh');
    expect(await conversationOf(restarted.client, team.id)).toBeUndefined();
    await chatWhere(fresh.client, team.id, (c) => c === undefined, 'hidden on the fresh device');
    expect(Math.max(...freshBadges)).toBe(3);

    // A re-add counts what follows it only: the forty she never read stay deleted.
    await bob.client.updateGroup({ conversationId: team.id, add: [alice.userId] });
    await bob.client.sendMessage({ conversationId: team.id, text: 'welcome back' });
    for (const device of [alice.client, restarted.client, fresh.client]) {
      const { view } = await chatWhere(
        device,
        team.id,
        (c) => c?.status === 'active' && c.lastMessage?.text === 'welcome back',
        'back with the new message',
      );
      expect(view?.unreadCount).toBe(1);
      await badgeShows(device, 4, 're-added');
    }
  });

  it("an owner who exits passes the group to the longest-serving admin, live on the others' devices", async () => {
    const ana = await signedUp('Ana');
    const ben = await signedUp('Ben');
    const cy = await signedUp('Cy');
    const g = await ana.client.createGroup({ title: 'Crew', memberIds: [ben.userId, cy.userId] });
    await ana.client.updateGroup({
      conversationId: g.id,
      roles: [{ userId: cy.userId, role: 'admin' }],
    });
    await ana.client.leaveGroup(g.id);
    const { view } = await chatWhere(cy.client, g.id, (c) => c?.role === 'owner', 'cy owns it');
    expect(view?.members.find((m) => m.userId === ana.userId)).toBeUndefined();
    await chatWhere(ben.client, g.id, (c) => c?.memberCount === 2, 'ben sees two members');
  });
});
