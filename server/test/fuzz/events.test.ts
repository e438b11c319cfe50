/**
 * Property-based fuzzing of the Socket.io protocol (DESIGN.md §4, guarantee 6 of §6): random and
 * malformed payloads at every client -> server event, against a real server over real sockets.
 *
 * For every request: an ack arrives in time; it is a `Result` whose error code is one of the stable
 * `ERROR_CODES` and never `internal`; a payload the shared schema refuses is answered
 * `invalid_payload`; the socket stays connected; the process keeps answering `/healthz`.
 * After each property the store is read directly and checked (./store-checks.ts): gapless seqs,
 * well-formed messages and membership periods, and nothing written except through requests that
 * were answered `ok`. A new event needs its schema and answer shape in ./answers.ts, its payloads in
 * ../arbitraries.ts, and, when it writes, its rows checked in ./store-checks.ts.
 *
 * Seeds are random on every run; replay a failure with the seed fast-check prints:
 * `FUZZ_SEED=<seed> npx vitest run --project server server/test/fuzz/events.test.ts` (the server's
 * state differs from the failing run, so a race may need a few tries). `FUZZ_RUNS=<factor>`
 * multiplies the number of runs (a soak); `FUZZ_STATS=1` prints the answers per event and outcome.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GROUP_TITLE_MAX_LENGTH, MESSAGE_TEXT_MAX_LENGTH } from '@chitchat/shared';
import { FUZZ_EVENTS, type FuzzEvent, type FuzzPayload } from '../arbitraries';
import { problemWith } from './answers';
import { FUZZ_TEST_TIMEOUT_MS, FuzzRig, fcParams, runs, type Actor } from './rig';
import { isObject, type Loose } from './wire';

const rig = new FuzzRig();

describe('fuzzing every client -> server event', () => {
  beforeAll(() => rig.start());
  beforeEach(() => rig.newArena());
  afterAll(() => rig.stop());

  const actorIndex = fc.nat({ max: 2 });

  /**
   * Inputs that once broke the server (or easily could), tried first on every run: [actor, payloads].
   * Built when the test runs, so they can aim at the fresh arena (seq 3 is alice's message there).
   */
  function examplesFor(event: FuzzEvent): [number, FuzzPayload[]][] {
    const valid = (payload: unknown): FuzzPayload => ({ kind: 'valid', payload });
    const random = (payload: unknown): FuzzPayload => ({ kind: 'random', payload });
    const arena = rig.arenaId!;
    const common: [number, FuzzPayload[]][] = [
      [0, [random(undefined), random(null), random([]), random('')]],
      [
        1,
        [
          // An own "__proto__" key, as JSON.parse makes it on the server.
          random(JSON.parse(`{"__proto__":{"conversationId":"${arena}","seq":3,"text":"x"}}`)),
          random([{ conversationId: arena }]),
        ],
      ],
    ];
    const specific: Partial<Record<FuzzEvent, [number, FuzzPayload[]][]>> = {
      // A double click on "leave": the second one must not be `internal`.
      'group:leave': [[1, [valid({ conversationId: arena }), valid({ conversationId: arena })]]],
      // Mentions of every member (with a repeat), then of a stranger: one stored, one refused.
      'message:send': [
        [
          0,
          [
            valid({
              conversationId: arena,
              clientMsgId: `mention-all-${arena}`,
              text: '@all',
              mentions: [...rig.actors, rig.actors[1]].map((a) => a?.session.user.id),
            }),
            valid({
              conversationId: arena,
              clientMsgId: `mention-stranger-${arena}`,
              text: '@nobody',
              mentions: ['stranger-id'],
            }),
          ],
        ],
      ],
      'events:after': [
        [
          0,
          [
            valid({ conversationId: arena, afterSeq: 0, limit: Number.MAX_SAFE_INTEGER }),
            valid({ conversationId: arena, afterSeq: Number.MAX_SAFE_INTEGER, limit: -5 }),
          ],
        ],
      ],
    };
    return [...(specific[event] ?? []), ...common];
  }

  for (const event of FUZZ_EVENTS) {
    it(
      `${event}: random, malformed and valid payloads get a well-formed answer, never internal`,
      async () => {
        await fc.assert(
          fc.asyncProperty(
            actorIndex,
            fc.array(rig.arbs[event], { minLength: 1, maxLength: 3 }),
            async (who, payloads) => {
              await rig.runRequests(
                rig.actors[who]!,
                payloads.map((payload) => ({ event, payload })),
              );
            },
          ),
          { ...fcParams<[number, FuzzPayload[]]>(runs(150)), examples: examplesFor(event) },
        );
        await rig.expectHealthy();
      },
      FUZZ_TEST_TIMEOUT_MS,
    );
  }

  it(
    'all events at once from every user (races between requests)',
    async () => {
      const request = fc
        .constantFrom(...FUZZ_EVENTS)
        .chain((event) => rig.arbs[event].map((payload) => ({ event, payload })));
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(actorIndex, request), { minLength: 2, maxLength: 8 }),
          async (requests) => {
            await Promise.all(
              [0, 1, 2].map((who) =>
                rig.runRequests(
                  rig.actors[who]!,
                  requests.filter(([w]) => w === who).map(([, r]) => r),
                ),
              ),
            );
          },
        ),
        {
          ...fcParams<[[number, { event: FuzzEvent; payload: FuzzPayload }][]]>(runs(150)),
          // Leaving while a rename is in flight on the same device: the rename must not be `internal`.
          examples: [
            [
              [
                [
                  1,
                  {
                    event: 'group:leave',
                    payload: { kind: 'valid', payload: { conversationId: rig.arenaId } },
                  },
                ],
                [
                  1,
                  {
                    event: 'group:update',
                    payload: {
                      kind: 'valid',
                      payload: { conversationId: rig.arenaId, title: 'renamed' },
                    },
                  },
                ],
              ],
            ],
          ],
        },
      );
      await rig.expectHealthy();
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'valid requests racing each other in a fresh group (double clicks, retries, two members at once)',
    async () => {
      // Events that act on a conversation; their target is replaced by a fresh group per run.
      const racing: FuzzEvent[] = [
        'message:send',
        'message:edit',
        'message:delete',
        'message:react',
        'message:pin',
        'poll:vote',
        'group:update',
        'group:leave',
        'conversation:settings',
        'receipt:read',
        'receipt:delivered',
        'receipt:played',
        'typing',
      ];
      const request = fc.record({
        who: actorIndex,
        copies: fc.integer({ min: 1, max: 2 }),
        call: fc
          .constantFrom(...racing)
          .chain((event) => rig.validArbs[event].map((payload) => ({ event, payload }))),
      });
      await fc.assert(
        fc.asyncProperty(
          actorIndex,
          fc.array(request, { minLength: 1, maxLength: 4 }),
          async (ownerIndex, requests) => {
            // Owner, admin and member, each with a message: seqs 1 (added), 2 (role), 3-5.
            const [owner, admin, member] = [0, 1, 2].map(
              (i) => rig.actors[(ownerIndex + i) % 3]!,
            ) as [Actor, Actor, Actor];
            await Promise.all(rig.actors.map((a) => rig.ensureConnected(a)));
            const group = await rig.must<{ id: string }>(owner, 'group:create', {
              title: 'Race',
              memberIds: [admin.session.user.id, member.session.user.id],
            });
            await rig.must(owner, 'group:update', {
              conversationId: group.id,
              roles: [{ userId: admin.session.user.id, role: 'admin' }],
            });
            for (const actor of [owner, admin, member])
              await rig.must(actor, 'message:send', {
                conversationId: group.id,
                clientMsgId: `race-${group.id}-${actor.name}`,
                text: `race message from ${actor.name}`,
              });
            const aimed = (payload: unknown) => {
              const p: Loose = { ...(payload as Loose), conversationId: group.id };
              if (typeof p.seq === 'number' && p.seq >= 1) p.seq = 3 + (p.seq % 3);
              if (typeof p.replyToSeq === 'number') p.replyToSeq = 3 + (p.replyToSeq % 3);
              if (typeof p.targetSeq === 'number') p.targetSeq = 3 + (p.targetSeq % 3);
              return p;
            };
            await Promise.all(
              [0, 1, 2].map((who) =>
                rig.runRequests(
                  rig.actors[who]!,
                  requests
                    .filter((r) => r.who === who)
                    .flatMap((r) =>
                      Array.from({ length: r.copies }, () => ({
                        event: r.call.event,
                        payload: { kind: 'valid' as const, payload: aimed(r.call.payload) },
                      })),
                    ),
                ),
              ),
            );
            const problems = await rig.storeViolations(group.id);
            if (problems.length > 0) throw new Error(problems.join('\n'));
          },
        ),
        fcParams(runs(150)),
      );
      await rig.expectHealthy();
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it('text with lone surrogates (valid for the schemas) is stored exactly as answered, within limits', async () => {
    const [alice] = rig.actors as [Actor];
    const arena = rig.arenaId!;
    const problems: string[] = [];
    const check = async (
      what: string,
      event: FuzzEvent,
      payload: unknown,
      conversation?: string,
    ) => {
      const answer = await rig.send(alice, event, payload);
      const problem = problemWith(event, payload, answer);
      if (problem !== null) problems.push(`${what}: ${problem}`);
      const target =
        conversation ??
        (isObject(answer) &&
        answer.answered &&
        isObject(answer.answer) &&
        isObject(answer.answer.data)
          ? String(answer.answer.data.id)
          : arena);
      problems.push(...(await rig.storeViolations(target)).map((v) => `${what}: ${v}`));
    };
    await check(
      'send',
      'message:send',
      {
        conversationId: arena,
        clientMsgId: `lone-${arena}`,
        text: `a\ud800b${'\udc00'.repeat(100)}`,
      },
      arena,
    );
    await check('edit', 'message:edit', { conversationId: arena, seq: 3, text: 'x\udc00y' }, arena);
    await check(
      'edit to the limit',
      'message:edit',
      { conversationId: arena, seq: 3, text: '\ud800'.repeat(MESSAGE_TEXT_MAX_LENGTH) },
      arena,
    );
    await check('rename', 'group:update', { conversationId: arena, title: 'x\udc00y' }, arena);
    await check('create', 'group:create', {
      title: '\ud800'.repeat(GROUP_TITLE_MAX_LENGTH),
      memberIds: [rig.actors[1]!.session.user.id],
    });
    // Reported here once, not again by every later test.
    (await rig.storeViolations()).forEach((v) => rig.reportedViolations.add(v));
    expect(problems).toEqual([]);
  });
});
