import { HIDDEN_STUB_PROTOCOL, targetSeqOf } from '@chitchat/shared';
import type { EventRecord, Period } from '../store/types';
import { hiddenStub, insidePeriods } from '../store/visibility';
import type { Fanout } from './fanout';
import { toWireEvent } from './wire';

/** Someone who may receive an event live: a user and the periods they read the log in. */
export interface Reader {
  userId: string;
  periods: readonly Period[];
}

/**
 * Sends a committed event live to each reader whose periods cover it, by the visibility rule the
 * stores' pages follow (../store/visibility.ts): a referencing event reaches those who may see its
 * target; the others get a `hidden` stub in its place, on sockets that understand one (protocol 1
 * sockets get nothing and fill the gap from `events:after`, which skips the event for them).
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
  if (seeing.size > 0) fanout.toUsers([...seeing], 'event', toWireEvent(event));
  if (stubbed.length > 0) fanout.toUsers(stubbed, 'event', hiddenStub(event), HIDDEN_STUB_PROTOCOL);
}
