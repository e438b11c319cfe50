import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import type { JoinRequestUpdate } from '@chitchat/shared';
import type { ChatClient } from '../src/core/chat-client';
import type { SocketFactory } from '../src/core/sync-engine';
import { conversationOf, type EngineOptions, signedInEngine, until, wholeHistory } from './engines';
import { serverPerTest } from './server-per-test';

const PUBLIC_URL = 'https://chat.example';

/** Waits until the engine's approval queue of a group holds exactly these people (by name). */
const queueIs = (client: ChatClient, conversationId: string, names: string[]) =>
  until(
    client,
    async () => {
      const requests = await client.listJoinRequests(conversationId);
      const shown = requests.map((r) => r.user.displayName);
      return JSON.stringify(shown) === JSON.stringify(names) ? requests : undefined;
    },
    10_000,
    `join requests ${JSON.stringify(names)}`,
  );

/** Collects the `joinRequests` events one engine tells its screen. */
const queueEvents = (client: ChatClient) => {
  const seen: string[][] = [];
  client.events.on('joinRequests', (q) => seen.push(q.requests.map((r) => r.user.displayName)));
  return seen;
};

describe('invite links and join requests in the engine', () => {
  const rig = serverPerTest({ config: { PUBLIC_URL } });
  const signedUp = (name: string, options: EngineOptions = {}) => rig.signedUp(name, options);

  it('an admin creates a link; anyone previews it from the address and joins; a revoked link is refused', async () => {
    const ana = await signedUp('Ana');
    const ben = await signedUp('Ben');
    const carl = await signedUp('Carl');
    const group = await ana.client.createGroup({ title: 'Hiking club', memberIds: [ben.userId] });

    const link = await ana.client.createInviteLink({ conversationId: group.id, expiresInS: 3600 });
    expect(link.url).toBe(`${PUBLIC_URL}/join/${link.code}`);
    expect(link.expiresAt).toBeGreaterThan(Date.now());
    expect((await ana.client.listInviteLinks(group.id)).map((l) => l.code)).toEqual([link.code]);
    // A member who is no admin may not make or see links.
    await expect(ben.client.createInviteLink({ conversationId: group.id })).rejects.toMatchObject({
      code: 'forbidden',
    });

    // As pasted into the app: the address with spaces around it.
    const preview = await carl.client.previewInviteLink(`  ${link.url ?? ''} `);
    expect(preview).toMatchObject({
      code: link.code,
      conversationId: group.id,
      title: 'Hiking club',
      memberCount: 2,
      approveJoins: false,
      status: null,
    });
    await expect(
      carl.client.previewInviteLink('https://chat.example/join/short'),
    ).rejects.toMatchObject({ code: 'invalid_payload' });

    const joined = await carl.client.joinByInviteLink(link.code);
    if (joined.status !== 'joined') throw new Error(`expected joined, got ${joined.status}`);
    expect(joined.conversation).toMatchObject({
      id: group.id,
      title: 'Hiking club',
      memberCount: 3,
    });
    expect(await conversationOf(carl.client, group.id)).toMatchObject({ status: 'active' });
    await until(ana.client, async () =>
      (await conversationOf(ana.client, group.id))?.memberCount === 3 ? true : undefined,
    );
    expect((await carl.client.previewInviteLink(link.code)).status).toBe('member');
    // The timeline says Carl came through the link (not that Ana added him), on both sides.
    for (const [client, line] of [
      [carl.client, "You joined using this group's invite link"],
      [ana.client, "Carl joined using this group's invite link"],
    ] as const)
      await until(client, async () =>
        (await wholeHistory(client, group.id)).some((m) => m.systemText === line)
          ? true
          : undefined,
      );

    // "Reset link": the old one admits nobody, the new one works.
    await ana.client.revokeInviteLink({ conversationId: group.id, code: link.code });
    const fresh = await ana.client.createInviteLink({ conversationId: group.id });
    expect(fresh.expiresAt).toBeNull();
    expect((await ana.client.listInviteLinks(group.id)).map((l) => l.code)).toEqual([fresh.code]);
    const dana = await signedUp('Dana');
    await expect(dana.client.previewInviteLink(link.code)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(dana.client.joinByInviteLink(link.code)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await conversationOf(dana.client, group.id)).toBeUndefined();
    expect((await dana.client.previewInviteLink(fresh.code)).memberCount).toBe(3);
  });

  it("the join preview shows the group's photo to someone not in it, through the link only", async () => {
    const ana = await signedUp('Ana');
    const ben = await signedUp('Ben');
    const carl = await signedUp('Carl');
    const group = await ana.client.createGroup({ title: 'Hiking club', memberIds: [ben.userId] });
    const jpeg = await sharp({
      create: { width: 64, height: 64, channels: 3, background: { r: 40, g: 160, b: 90 } },
    })
      .jpeg()
      .toBuffer();
    await ana.client.setGroupPhoto(group.id, { bytes: new Uint8Array(jpeg), mime: 'image/jpeg' });
    const link = await ana.client.createInviteLink({ conversationId: group.id });
    const preview = await carl.client.previewInviteLink(link.code);
    const photo = preview.avatar ?? '';
    expect(photo).toMatch(/^[0-9a-f-]{36}$/);
    // Without the link Carl may not read it; with it he gets the thumbnail the avatar shows.
    await expect(
      carl.client.getMedia({ mediaId: photo, variant: 'thumbnail' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const thumbnail = await carl.client.getMedia({
      mediaId: photo,
      variant: 'thumbnail',
      invite: link.code,
    });
    expect(thumbnail.mime).toBe('image/webp');
    expect(thumbnail.bytes.byteLength).toBeGreaterThan(0);
    // A reset link shows it no longer (a fresh engine: nothing cached).
    await ana.client.revokeInviteLink({ conversationId: group.id, code: link.code });
    const dana = await signedUp('Dana');
    await expect(
      dana.client.getMedia({ mediaId: photo, variant: 'thumbnail', invite: link.code }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('approval mode: a request reaches every admin device live; one admin approves, the queue empties everywhere and the chat reaches the joiner', async () => {
    const ana = await signedUp('Ana');
    const anaLaptop = await signedInEngine(rig.server.url, ana.username, rig.engines);
    const ben = await signedUp('Ben');
    const carl = await signedUp('Carl');
    const carlLaptop = await signedInEngine(rig.server.url, carl.username, rig.engines);
    const group = await ana.client.createGroup({ title: 'Book club', memberIds: [ben.userId] });
    await until(ben.client, async () =>
      (await conversationOf(ben.client, group.id)) ? true : undefined,
    );
    await ana.client.updateGroup({
      conversationId: group.id,
      roles: [{ userId: ben.userId, role: 'admin' }],
      permissions: { approveJoins: true },
    });
    const link = await ana.client.createInviteLink({ conversationId: group.id });
    // No device has asked for the queue yet: pushes alone fill it.
    const onPhone = queueEvents(ana.client);
    const onLaptop = queueEvents(anaLaptop.client);
    const carlSeen: JoinRequestUpdate[] = [];
    carlLaptop.client.events.on('myJoinRequest', (u) => carlSeen.push(u));

    const preview = await carl.client.previewInviteLink(link.code);
    expect(preview.approveJoins).toBe(true);
    const outcome = await carl.client.joinByInviteLink(link.code);
    expect(outcome).toEqual({ status: 'pending', conversationId: group.id });
    expect((await carl.client.previewInviteLink(link.code)).status).toBe('pending');
    // Asking again changes nothing: still one request.
    expect((await carl.client.joinByInviteLink(link.code)).status).toBe('pending');

    await until(ana.client, () => (onPhone.some((q) => q.includes('Carl')) ? true : undefined));
    await until(anaLaptop.client, () =>
      onLaptop.some((q) => q.includes('Carl')) ? true : undefined,
    );
    const [request] = await queueIs(ben.client, group.id, ['Carl']);
    expect(request?.user).toMatchObject({ id: carl.userId, username: carl.username });
    await until(carlLaptop.client, () =>
      carlSeen.some((u) => u.status === 'pending' && u.conversationId === group.id)
        ? true
        : undefined,
    );
    // Nothing of the group reaches a person who only asked.
    expect(await conversationOf(carl.client, group.id)).toBeUndefined();

    await ben.client.answerJoinRequest({
      conversationId: group.id,
      userId: carl.userId,
      accept: true,
    });
    expect(await ben.client.listJoinRequests(group.id)).toEqual([]);
    await until(ana.client, () => (onPhone.at(-1)?.length === 0 ? true : undefined));
    await until(anaLaptop.client, () => (onLaptop.at(-1)?.length === 0 ? true : undefined));
    for (const device of [carl.client, carlLaptop.client]) {
      await until(device, async () =>
        (await conversationOf(device, group.id))?.status === 'active' ? true : undefined,
      );
    }
    expect(carlSeen.at(-1)).toMatchObject({ status: 'accepted', conversationId: group.id });

    // The other admin answering too late: told so, and nothing changes.
    await expect(
      ana.client.answerJoinRequest({
        conversationId: group.id,
        userId: carl.userId,
        accept: false,
      }),
    ).rejects.toMatchObject({ code: 'not_found', message: /already answered/ });
    expect((await conversationOf(carl.client, group.id))?.status).toBe('active');
  });

  it('a rejected request and a withdrawn one leave the queue; the requester hears of each', async () => {
    const ana = await signedUp('Ana');
    const dana = await signedUp('Dana');
    const erin = await signedUp('Erin');
    const group = await ana.client.createGroup({ title: 'Choir', memberIds: [dana.userId] });
    await ana.client.updateGroup({ conversationId: group.id, permissions: { approveJoins: true } });
    const link = await ana.client.createInviteLink({ conversationId: group.id });
    expect(await ana.client.listJoinRequests(group.id)).toEqual([]);
    const heard: string[] = [];
    erin.client.events.on('myJoinRequest', (u) => heard.push(u.status));
    const danaHeard: string[] = [];
    dana.client.events.on('myJoinRequest', (u) => danaHeard.push(u.status));

    // Dana is a member already: "joining" again changes nothing and queues nothing.
    expect((await dana.client.joinByInviteLink(link.code)).status).toBe('joined');
    await erin.client.previewInviteLink(link.url ?? link.code);
    await erin.client.joinByInviteLink(link.code);
    await queueIs(ana.client, group.id, ['Erin']);
    await erin.client.cancelJoinRequest(group.id);
    await queueIs(ana.client, group.id, []);
    await until(erin.client, () => (heard.includes('cancelled') ? true : undefined));

    await erin.client.joinByInviteLink(link.code);
    await queueIs(ana.client, group.id, ['Erin']);
    await ana.client.answerJoinRequest({
      conversationId: group.id,
      userId: erin.userId,
      accept: false,
    });
    await until(erin.client, () => (heard.at(-1) === 'rejected' ? true : undefined));
    expect(heard).toEqual(['pending', 'cancelled', 'pending', 'rejected']);
    expect(danaHeard).toEqual([]);
    expect(await conversationOf(erin.client, group.id)).toBeUndefined();
    expect((await erin.client.previewInviteLink(link.code)).status).toBeNull();
  });

  it('a device that missed pushes while disconnected reads its queues again on reconnect', async () => {
    const ana = await signedUp('Ana');
    // Ana's laptop drops `join-request` pushes while `deaf` is set, as if it were offline then.
    let deaf = false;
    const connect: SocketFactory = (url, options) => {
      const socket = io(url, options);
      const on = socket.on.bind(socket);
      socket.on = ((name: string, listener: (...args: unknown[]) => void) =>
        on(
          name as 'join-request',
          name === 'join-request'
            ? (update: JoinRequestUpdate) => {
                if (!deaf) listener(update);
              }
            : (listener as (update: JoinRequestUpdate) => void),
        )) as typeof socket.on;
      return socket;
    };
    const laptop = await signedInEngine(rig.server.url, ana.username, rig.engines, { connect });
    const fay = await signedUp('Fay');
    const gus = await signedUp('Gus');
    const group = await ana.client.createGroup({ title: 'Runners', memberIds: [gus.userId] });
    await ana.client.updateGroup({ conversationId: group.id, permissions: { approveJoins: true } });
    const link = await ana.client.createInviteLink({ conversationId: group.id });
    await until(laptop.client, async () =>
      (await conversationOf(laptop.client, group.id)) ? true : undefined,
    );
    expect(await laptop.client.listJoinRequests(group.id)).toEqual([]);

    const laptopQueues = queueEvents(laptop.client);
    deaf = true;
    await fay.client.joinByInviteLink(link.code);
    await queueIs(ana.client, group.id, ['Fay']);
    // The laptop missed the push: it knows of no request.
    expect(laptopQueues).toEqual([]);
    const session = await laptop.client.getSession();
    if (session.status !== 'signed_in') throw new Error('laptop signed out');
    // The server moves the laptop's socket: it connects again and reads the queue it keeps.
    rig.server.app.io.to(`device:${session.deviceId}`).emit('server:draining', {});
    await until(laptop.client, () =>
      laptopQueues.some((q) => q.length === 1 && q[0] === 'Fay') ? true : undefined,
    );
  });
});
