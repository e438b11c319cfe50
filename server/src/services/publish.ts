import {
  MESSAGE_EXTRAS_PROTOCOL,
  MIN_PROTOCOL,
  firstProtocolOf,
  targetSeqOf,
} from '@chitchat/shared';
import type { EventRecord, Period } from '../store/types';
import { hiddenStub, insidePeriods } from '../store/visibility';
import type { Fanout } from './fanout';
import { forProtocol, hasMessageExtras, toWireEvent } from './wire';

/** Someone who may receive an event live: a user and the periods they read the log in. */
export interface Reader {
  userId: string;
  periods: readonly Period[];
}

/**
 * Sends a committed event live to each reader whose periods cover it, by the visibility rule the
 * stores' pages follow (../store/visibility.ts): a referencing event reaches those who may see its
 * target; the others get a `hidden` stub in its place, on sockets that understand one. Sockets
 * older than an entry's type (EVENT_TYPE_FIRST_PROTOCOL: stubs, reactions...) get nothing and fill
 * the gap from `events:after`, which skips the entry for them.
 * `alsoTo` receive the event whatever their periods (a removed member sees their own removal).
 */
export function publishEvent(
  fanout: Fanout,
  event: EventRecord,
  readers: readonly Reader[],
  alsoTo: readonly string[] = [],
): void {
  const covering = readers.filter((r) => insidePeriods(r.periods, event.seq));
  const target = targetSeqOf(event);
  const seeing = new Set(alsoTo);
  const stubbed: string[] = [];
  for (const reader of covering) {
    if (target === null || insidePeriods(reader.periods, target)) seeing.add(reader.userId);
    else stubbed.push(reader.userId);
  }
  if (seeing.size > 0) sendEvent(fanout, [...seeing], event);
  if (stubbed.length > 0)
    fanout.toUsers(stubbed, 'event', hiddenStub(event), firstProtocolOf('hidden'));
}

/**
 * Sends an event to every socket of `userIds` that receives its type (EVENT_TYPE_FIRST_PROTOCOL);
 * a message with fields older clients do not know goes to them without those fields
 * (MESSAGE_EXTRAS_PROTOCOL), to the others as it is.
 */
export function sendEvent(fanout: Fanout, userIds: readonly string[], event: EventRecord): void {
  const wire = toWireEvent(event);
  if (!hasMessageExtras(wire)) {
    const first = firstProtocolOf(wire.type);
    // The original types go to the user rooms as they always did (one room per user).
    if (first <= MIN_PROTOCOL) fanout.toUsers(userIds, 'event', wire);
    else fanout.toUsers(userIds, 'event', wire, first);
    return;
  }
  fanout.toUsers(userIds, 'event', wire, MESSAGE_EXTRAS_PROTOCOL);
  const older = MESSAGE_EXTRAS_PROTOCOL - 1;
  fanout.toUsers(userIds, 'event', forProtocol(wire, older), undefined, older);
}
