import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../store/types';
import { toWireEvent } from './wire';

const base = {
  id: '0193a1b2-0000-7000-8000-000000000001',
  conversationId: 'c1',
  seq: 7,
  senderUserId: 'u1',
  senderDeviceId: 'd1',
  createdAt: 1_700_000_000_000,
};

describe('toWireEvent', () => {
  it('keeps every field of a message and drops the idempotency key', () => {
    const record: EventRecord = {
      ...base,
      type: 'message',
      clientMsgId: 'm1',
      payload: { text: 'hi', replyToSeq: null, attachments: [] },
      editedAt: 1_700_000_000_500,
      editVersion: 2,
      deletedAt: null,
      opId: 'op-1',
    };
    const wire = toWireEvent(record);
    const { opId: _opId, ...expected } = record;
    expect(wire).toStrictEqual(expected);
    expect(Object.keys(wire).sort()).toEqual(Object.keys(expected).sort());
  });

  it('drops the idempotency key of the other events', () => {
    const record: EventRecord = {
      ...base,
      type: 'conversation_renamed',
      payload: { title: 'New title' },
      opId: 'op-2',
    };
    expect(toWireEvent(record)).toStrictEqual({
      ...base,
      type: 'conversation_renamed',
      payload: { title: 'New title' },
    });
  });
});
