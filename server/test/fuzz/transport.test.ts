/**
 * Fuzzing below the events (see ./events.test.ts): requests without an ack, unknown event names,
 * oversized packets, malformed Socket.io frames and random handshakes. Each closes at most the
 * socket that sent it, stores nothing, and leaves the server serving everyone else.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_CODES, SOCKET_MAX_PAYLOAD_BYTES } from '@chitchat/shared';
import { FUZZ_EVENTS, REQUEST_EVENTS } from '../arbitraries';
import { randomValue } from './values';
import { connect, disconnected, openSocket, refusedHandshake } from '../harness';
import { FUZZ_TEST_TIMEOUT_MS, FuzzRig, fcParams, runs } from './rig';
import { describePayload, emitRaw, emitWithAck, isObject, wireForm } from './wire';

const rig = new FuzzRig();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fuzzing the transport under the events', () => {
  beforeAll(() => rig.start());
  beforeEach(() => rig.newArena());
  afterAll(() => rig.stop());

  it(
    'requests without an ack function and unknown events are ignored; the socket stays usable',
    async () => {
      const alice = rig.actors[0]!;
      await rig.ensureConnected(alice);
      const before = rig.snapshot();
      const known = new Set<string>([
        ...FUZZ_EVENTS,
        'connect',
        'connect_error',
        'disconnect',
        'disconnecting',
        'newListener',
        'removeListener',
      ]);
      const unknownEvent = fc
        .oneof(
          fc.string({ maxLength: 30 }),
          fc.constantFrom(
            'message',
            'event',
            'message:send ',
            'MESSAGE:SEND',
            'ping',
            'error',
            'conversation',
            'session:revoked',
            '__proto__',
            'constructor',
            'hasOwnProperty',
            'toString',
          ),
        )
        .filter((name) => !known.has(name));
      const strayAnswers: unknown[] = [];
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.oneof(
              // Known requests without an ack: dropped, nothing stored (typing is a signal: no ack needed).
              fc.constantFrom(...REQUEST_EVENTS).chain((event) =>
                rig.arbs[event].map((p) => ({
                  event: event,
                  payload: p.payload,
                  ack: false,
                })),
              ),
              // A valid send without an ack: dropped too.
              fc.constant({
                event: 'message:send',
                payload: {
                  conversationId: rig.setupConversationIds[0],
                  clientMsgId: 'no-ack-send',
                  text: 'never stored',
                },
                ack: false,
              }),
              fc.constant({
                event: 'typing',
                payload: { conversationId: rig.setupConversationIds[0], typing: true },
                ack: false,
              }),
              fc
                .tuple(unknownEvent, randomValue, fc.boolean())
                .map(([event, payload, ack]) => ({ event, payload, ack })),
            ),
            { minLength: 1, maxLength: 6 },
          ),
          async (emits) => {
            await rig.ensureConnected(alice);
            for (const { event, payload, ack } of emits) {
              if (ack)
                emitRaw(alice.socket, event, payload, (answer: unknown) =>
                  strayAnswers.push({ event, answer }),
                );
              else emitRaw(alice.socket, event, payload);
            }
            // Then a normal request on the same socket still works.
            const answer = await emitWithAck(alice.socket, 'conversation:list', [{}]);
            if (!answer.answered || !isObject(answer.answer) || answer.answer.ok !== true)
              throw new Error(`the socket is no longer usable: ${JSON.stringify(answer)}`);
            if (!alice.socket.connected) throw new Error('the socket was disconnected');
          },
        ),
        fcParams(runs(60)),
      );
      await pause(100);
      // Unknown events are not answered (an answer, if any, must at least be an error Result).
      for (const stray of strayAnswers) {
        const answer = (stray as { answer: unknown }).answer;
        expect(
          isObject(answer) &&
            answer.ok === false &&
            isObject(answer.error) &&
            (ERROR_CODES as readonly unknown[]).includes(answer.error.code),
        ).toBe(true);
      }
      expect(rig.snapshot()).toBe(before);
      await rig.expectHealthy();
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it('a packet over maxHttpBufferSize closes only that socket; nothing is stored and others keep working', async () => {
    const alice = rig.actors[0]!;
    const bob = rig.actors[1]!;
    const before = rig.snapshot();
    const big = await connect(rig.server, alice.session.accessToken);
    const closed = disconnected(big);
    const answer = emitWithAck(big, 'message:send', [
      {
        conversationId: rig.setupConversationIds[0],
        clientMsgId: 'oversized',
        text: 'x'.repeat(SOCKET_MAX_PAYLOAD_BYTES + 1),
      },
    ]);
    expect(await closed).toBe('transport close');
    expect(await answer).toMatchObject({ answered: false });
    await rig.ensureConnected(alice);
    expect(alice.socket.connected).toBe(true);
    const stillWorks = await emitWithAck(bob.socket, 'events:after', [
      { conversationId: rig.setupConversationIds[0], afterSeq: 0, limit: 10 },
    ]);
    expect(stillWorks).toMatchObject({ answered: true, answer: { ok: true } });
    expect(rig.snapshot()).toBe(before);
    await rig.expectHealthy();
  });

  it(
    'malformed Socket.io frames close at most that socket; the server keeps serving',
    async () => {
      const alice = rig.actors[0]!;
      // Well-formed frames the server has no use for: ignored, the socket stays usable.
      const harmless = [
        '2[42,{"conversationId":"x"}]', // a numeric event name
        '2["message:send"]', // no payload, no ack
        '3999[{"ok":true}]', // an ack nobody asked for
        '2["conversation:list",{},{},{}]', // extra arguments, no ack
        '2' + JSON.stringify(['typing', { conversationId: 'x'.repeat(64), typing: true }]),
      ];
      // Malformed frames: the server may drop the connection, nothing else.
      const malformed = [
        '',
        '2',
        '2[',
        '2{}',
        '2[]',
        '2[null]',
        '2[{}]',
        '2["disconnect"]',
        '2["connect"]',
        '2["newListener",{}]',
        '9',
        'x',
        '2-1["a"]',
        '21a["conversation:list",{}]',
        '51-["message:send",{"_placeholder":true,"num":5}]',
        '5999999999-["message:send",{"_placeholder":true,"num":0}]',
        '0/elsewhere,',
        '2/elsewhere,["conversation:list",{}]', // a namespace this socket did not join
        '4"oops"',
        `2${'['.repeat(5_000)}`,
      ];
      // Requests written by hand with ack id 1: the raw answer packet must be `invalid_payload`.
      const deepArray = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
      const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
      const rawRequests = [
        `21["message:send",${deepArray(100_000)}]`,
        `21["message:send",{"conversationId":${deepObject(40_000)},"clientMsgId":"raw","text":"x"}]`,
        `21["group:create",{"title":"t","memberIds":${deepArray(50_000)}}]`,
        '21["events:after",{"conversationId":"x","afterSeq":1e999,"limit":1}]',
        '21["events:after",{"conversationId":"x","afterSeq":-1e-999,"limit":1e999}]',
        '21["message:send",{"__proto__":{"conversationId":"x","clientMsgId":"y","text":"z"}}]',
        '21["group:update",{"constructor":{"prototype":{"polluted":true}},"__proto__":{"polluted":true}}]',
      ];
      for (const frame of [...harmless, ...rawRequests, ...malformed, '1']) {
        const socket = await connect(rig.server, alice.session.accessToken);
        const packets: string[] = [];
        socket.io.engine.on('packet', (packet: { type: string; data?: unknown }) => {
          if (packet.type === 'message' && typeof packet.data === 'string')
            packets.push(packet.data);
        });
        try {
          (socket.io.engine as unknown as { write(msg: string): void }).write(frame);
          const answer = await emitWithAck(
            socket,
            'conversation:list',
            [{}],
            frame === '1' ? 500 : 2_000,
          );
          const usable = answer.answered && isObject(answer.answer) && answer.answer.ok === true;
          const shown = frame.slice(0, 80);
          if (harmless.includes(frame)) {
            expect({ shown, usable }).toEqual({ shown, usable: true });
          } else if (rawRequests.includes(frame)) {
            const raw = packets.find((p) => p.startsWith('31['));
            const result =
              raw === undefined ? undefined : (JSON.parse(raw.slice(2)) as unknown[])[0];
            expect({ shown, usable, result }).toMatchObject({
              usable: true,
              result: { ok: false, error: { code: 'invalid_payload' } },
            });
          } else if (frame === '1') {
            // The client left the namespace: the server stops serving this socket (Socket.io
            // keeps the bare connection open) and keeps serving every other one.
            expect(usable).toBe(false);
          } else {
            // Either answered normally, or the connection was closed: never a hanging socket.
            expect({ shown, outcome: usable || socket.disconnected }).toEqual({
              shown,
              outcome: true,
            });
          }
        } finally {
          socket.close();
        }
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      await rig.expectHealthy();
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'random handshake auth is refused with a stable code',
    async () => {
      await fc.assert(
        fc.asyncProperty(randomValue, async (auth) => {
          const socket = openSocket(rig.server, '');
          // Replace the harness' auth callback with the random value as the handshake auth.
          // (A non-object auth is a protocol error Socket.io answers by closing: wrap those.)
          (socket as unknown as { auth: unknown }).auth = isObject(wireForm(auth))
            ? auth
            : { token: auth, protocol: auth };
          const outcome = await new Promise<{ connected: boolean; message?: string }>((resolve) => {
            setTimeout(
              () => resolve({ connected: false, message: 'no answer to the handshake' }),
              3_000,
            );
            socket.once('connect', () => resolve({ connected: true }));
            socket.once('connect_error', (error) =>
              resolve({ connected: false, message: error.message }),
            );
          });
          socket.close();
          if (outcome.connected)
            throw new Error(`a random handshake was accepted: ${describePayload(auth)}`);
          if (
            !['unauthorized', 'unsupported_protocol', 'invalid_payload'].includes(
              outcome.message ?? '',
            )
          )
            throw new Error(
              `handshake refused with ${JSON.stringify(outcome.message)} for ${describePayload(auth)}`,
            );
        }),
        fcParams(runs(40)),
      );
      // A structurally valid but forged token too.
      const refused = await refusedHandshake(rig.server, {
        token: 'eyJhbGciOiJub25lIn0.e30.',
        protocol: 1,
      });
      expect(refused.message).toBe('unauthorized');
      await rig.expectHealthy();
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
