/**
 * Exiting a group and deleting it for me (issue #15), over a real server and real engines: Alice
 * (two devices) exits a group Bob owns: it stays in the list read-only on both devices; she
 * deletes it on the laptop and it leaves the list on the phone too, across a restart; Bob adds
 * her again and it comes back with the new membership period's messages only. An owner who exits
 * passes the group on to the longest-serving admin.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '@chitchat/server/testing';
import type { ConversationView } from '../src/common/contract';
import type { ChatClient } from '../src/core/chat-client';
import {
  type Engine,
  conversationOf,
  engine,
  online,
  showsTexts,
  signedInEngine,
  signedUpEngine,
  stopAll,
  textsIn,
  until,
  wholeHistory,
} from './engines';

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
  let server: TestServer;
  const engines: Engine[] = [];
  const signedUp = (name: string) => signedUpEngine(server.url, name, engines);

  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(() => stopAll(engines, server));

  it('exit leaves the group read-only on both devices; delete for me removes it everywhere, across a restart; a re-add brings it back with the new period only', async () => {
    const bob = await signedUp('Bob');
    const alice = await signedUp('Alice');
    const phone = await signedInEngine(server.url, alice.username, engines, {
      deviceName: 'Phone',
    });
    const team = await bob.client.createGroup({ title: 'Team', memberIds: [alice.userId] });
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
    const { profileDir, secrets } = phone;
    await phone.client.stop();
    engines.splice(engines.indexOf(phone), 1);
    const restarted = await engine({ profileDir, secrets });
    engines.push(restarted);
    await online(restarted.client);
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
