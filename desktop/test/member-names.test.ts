import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { conversationOf, signedInEngine, signedUpEngine, until, wholeHistory } from './engines';
import { seedMessages, seedPerson } from './seed';
import { serverPerTest } from './server-per-test';

/**
 * Issue #13: a group over SMALL_GROUP_MAX carries no members in its summary, so a device that never
 * saw its people named them "Someone" in bubbles, system lines, previews and notifications.
 */
describe('the people of a large group are named on a device that never saw them', () => {
  const rig = serverPerTest();

  it('in 60 members: senders, a role change and the preview read their names, also live', async () => {
    const store = rig.server.store;
    const ana = await signedUpEngine(rig.server.url, 'Ana', rig.engines);
    const bob = await signedUpEngine(rig.server.url, 'Bob', rig.engines);
    await store.updateUser(bob.userId, { displayName: 'Bob Stone' });
    const names = ['נועה לוי', 'ليلى حداد', '王芳', 'Ørjan Berg', 'Zoë Quinn', 'Émile Laurent'];
    const seeded: string[] = [];
    for (let i = 0; i < 58; i++)
      seeded.push(await seedPerson(store, `${names[i % names.length]} ${Math.floor(i / 6) + 1}`));
    const groupId = randomUUID();
    const origin = () => ({ id: randomUUID(), userId: ana.userId, deviceId: null, at: Date.now() });
    await store.createGroup({
      ...origin(),
      conversationId: groupId,
      title: 'Trail crew',
      memberIds: [bob.userId, ...seeded],
    });
    await store.changeGroup(groupId, origin(), {
      roles: [{ userId: seeded[2] ?? '', role: 'admin' as const }],
    });
    const start = Date.now() - 60_000;
    await seedMessages(store, groupId, [
      { from: seeded[0] ?? '', text: 'שלום לכולם', at: start },
      { from: seeded[1] ?? '', text: 'مرحبا', at: start + 1 },
      { from: seeded[3] ?? '', text: 'see you at the trailhead', at: start + 2 },
    ]);

    // A second device of Ana's signs in: a first sync of a group whose people it never saw.
    const laptop = await signedInEngine(rig.server.url, ana.username, rig.engines);
    const named = await until(
      laptop.client,
      async () => {
        if ((await conversationOf(laptop.client, groupId)) === undefined) return undefined;
        const history = await wholeHistory(laptop.client, groupId);
        const line = (text: string) => history.find((m) => m.text === text)?.senderName;
        const senders = [line('שלום לכולם'), line('مرحبا'), line('see you at the trailhead')];
        const role = history.find((m) => m.type === 'member_role')?.systemText;
        return senders.every((s) => s !== undefined && s !== 'Someone') && role !== undefined
          ? { senders, role }
          : undefined;
      },
      15_000,
      'the senders named',
    );
    expect(named.senders).toEqual(['נועה לוי 1', 'ليلى حداد 1', 'Ørjan Berg 1']);
    expect(named.role).toBe('You made 王芳 1 an admin');

    // Live: Bob, whom the laptop never saw either, writes; the preview and the bubble name him.
    await bob.client.sendMessage({ conversationId: groupId, text: 'running late' });
    const preview = await until(
      laptop.client,
      async () => {
        const row = await conversationOf(laptop.client, groupId);
        const history = await wholeHistory(laptop.client, groupId);
        const bubble = history.find((m) => m.text === 'running late')?.senderName;
        return bubble === 'Bob Stone' && row !== undefined ? row : undefined;
      },
      15_000,
      'Bob named',
    );
    expect(JSON.stringify(preview)).toContain('Bob Stone');
    expect(JSON.stringify(preview)).not.toContain('Someone');
  });

  it('the first message of someone added meanwhile notifies with their name, not "Someone"', async () => {
    const store = rig.server.store;
    const ana = await signedUpEngine(rig.server.url, 'Ana', rig.engines);
    const seeded: string[] = [];
    for (let i = 0; i < 40; i++) seeded.push(await seedPerson(store, `Walker ${i + 1}`));
    const groupId = randomUUID();
    const origin = () => ({ id: randomUUID(), userId: ana.userId, deviceId: null, at: Date.now() });
    await store.createGroup({
      ...origin(),
      conversationId: groupId,
      title: 'Ridge walkers',
      memberIds: seeded,
    });
    ana.client.resync();
    await until(ana.client, () => conversationOf(ana.client, groupId), 15_000, 'the group');

    // Carl joins through the store (nothing is pushed), syncs, and writes: Ana's device sees a
    // gap, catches up the member_added and the message, and its notification must name him.
    const carl = await signedUpEngine(rig.server.url, 'Carl', rig.engines);
    await store.updateUser(carl.userId, { displayName: 'Carl Weiss' });
    await store.changeGroup(groupId, origin(), { add: [carl.userId] });
    carl.client.resync();
    await until(carl.client, () => conversationOf(carl.client, groupId), 15_000, 'Carl in');
    const notified = new Promise<string>((resolve) => {
      const off = ana.client.events.on('incoming', (event) => {
        if (event.message.text !== 'hello walkers') return;
        off();
        resolve(event.message.senderName);
      });
    });
    await carl.client.sendMessage({ conversationId: groupId, text: 'hello walkers' });
    expect(await notified).toBe('Carl Weiss');
  });
});
