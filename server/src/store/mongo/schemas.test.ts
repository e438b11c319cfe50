import mongoose, { type Schema } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { databaseNameOf, redactUri } from './index';
import {
  byClientMsgId,
  byDirectKey,
  byOpId,
  closeLastPeriod,
  isDuplicateKeyError,
  periodFilter,
  prefixRegex,
  toEventRecord,
} from './records';
import {
  blockSchema,
  conversationSchema,
  defineModels,
  deviceSchema,
  eventSchema,
  membershipSchema,
  metaSchema,
  userSchema,
  type EventDoc,
} from './schemas';

// Everything here runs without a MongoDB server: models live on a connection that is never opened,
// and `validateSync` runs mongoose's validators in process. What needs a server (indexes actually
// enforced, transactions) is covered by the contract suite in mongo.test.ts when MONGODB_URI is set.
const {
  User,
  Block,
  Device,
  Conversation,
  Membership,
  Event,
  Meta,
  Contact,
  RequestDismissal,
  Invitation,
} = defineModels(mongoose.createConnection());

/** The paths a document fails validation on (none when it is valid). */
function invalidPaths(doc: { validateSync(): mongoose.Error.ValidationError | null | undefined }) {
  return Object.keys(doc.validateSync()?.errors ?? {}).sort();
}

const user = {
  _id: 'u1',
  username: 'Alice',
  usernameKey: 'alice',
  displayName: 'Alice',
  passwordHash: 'hash',
  createdAt: 1,
};
const device = {
  _id: 'd1',
  userId: 'u1',
  name: 'Laptop',
  platform: 'linux',
  createdAt: 1,
  lastSeenAt: 1,
  refreshTokenHash: 'h',
};
const direct = {
  _id: 'c1',
  kind: 'direct',
  createdBy: 'u1',
  createdAt: 1,
  lastSeq: 0,
  version: 1,
  directKey: 'u1:u2',
};
const membership = {
  conversationId: 'c1',
  userId: 'u1',
  role: 'member',
  version: 1,
  active: true,
  periods: [{ joinedSeq: 1, leftSeq: null }],
  ordinal: 0,
};
const message = {
  _id: 'e1',
  conversationId: 'c1',
  seq: 1,
  type: 'message',
  senderUserId: 'u1',
  senderDeviceId: 'd1',
  clientMsgId: 'cm-1',
  createdAt: 1,
  payload: { text: 'hi', replyToSeq: null, attachments: [] },
  editedAt: null,
  editVersion: 0,
  deletedAt: null,
};

describe('mongo schemas: validation without a connection (validateSync)', () => {
  it('accepts a valid document of every collection', () => {
    expect(invalidPaths(new User(user))).toEqual([]);
    expect(invalidPaths(new Block({ userId: 'u1', blockedUserId: 'u2', createdAt: 1 }))).toEqual(
      [],
    );
    expect(invalidPaths(new Device(device))).toEqual([]);
    expect(invalidPaths(new Conversation(direct))).toEqual([]);
    expect(
      invalidPaths(
        new Conversation({ ...direct, kind: 'group', title: 'G', directKey: undefined }),
      ),
    ).toEqual([]);
    expect(invalidPaths(new Membership(membership))).toEqual([]);
    expect(invalidPaths(new Event(message))).toEqual([]);
    expect(invalidPaths(new Meta({ _id: 'store', epoch: 'e', schemaVersion: 1 }))).toEqual([]);
    expect(invalidPaths(new Meta({ _id: 'change_counter', counter: 0 }))).toEqual([]);
  });

  it('messages: a forwarded message with a link preview is valid; a malformed preview is not', () => {
    const image = { id: 'm1', name: 'p.png', mime: 'image/png', size: 3 };
    const preview = { url: 'https://example.com/', title: 'T', description: null, image };
    const payload = { ...message.payload, forwarded: true, linkPreview: preview };
    expect(invalidPaths(new Event({ ...message, payload }))).toEqual([]);
    expect(
      invalidPaths(new Event({ ...message, payload: { ...payload, linkPreview: { url: 'x' } } })),
    ).toEqual(['payload']);
    expect(
      invalidPaths(new Event({ ...message, payload: { ...payload, forwarded: 'yes' } })),
    ).toEqual(['payload']);
  });

  it('messages: mentions are a non-empty list of ids when present', () => {
    const withMentions = (mentions: unknown) =>
      invalidPaths(new Event({ ...message, payload: { ...message.payload, mentions } }));
    expect(withMentions(['u1', 'u2'])).toEqual([]);
    expect(withMentions([])).toEqual(['payload']);
    expect(withMentions([1])).toEqual(['payload']);
    expect(withMentions('u1')).toEqual(['payload']);
  });

  it('fills the defaults a new user and membership start with', () => {
    const doc = new User(user).toObject();
    expect(doc).toMatchObject({ lastSeenVisibility: 'contacts', devicesVersion: 0 });
    expect(new Membership(membership).toObject()).toMatchObject({
      muted: false,
      deliveredSeq: 0,
      readSeq: 0,
      receiptSeq: 0,
      leftTitle: null,
    });
  });

  it('users: refuses missing fields, a username key that is not the lower-cased name, a bad visibility', () => {
    expect(invalidPaths(new User({ _id: 'u1' }))).toEqual(
      ['createdAt', 'displayName', 'passwordHash', 'username', 'usernameKey'].sort(),
    );
    expect(invalidPaths(new User({ ...user, usernameKey: 'Alice' }))).toEqual(['usernameKey']);
    expect(invalidPaths(new User({ ...user, lastSeenVisibility: 'public' }))).toEqual([
      'lastSeenVisibility',
    ]);
    expect(invalidPaths(new User({ ...user, lastSeenVisibility: 'everyone' }))).toEqual([]);
    expect(invalidPaths(new User({ ...user, groupAdds: 'nobody' }))).toEqual(['groupAdds']);
    expect(new User(user).groupAdds).toBe('everyone');
    // The read-receipts switch: absent until turned off (read as on), and a boolean when set.
    expect(new User(user).readReceipts).toBeUndefined();
    expect(invalidPaths(new User({ ...user, readReceipts: { on: true } }))).toEqual([
      'readReceipts',
    ]);
    expect(new User({ ...user, readReceipts: false }).readReceipts).toBe(false);
  });

  it('relationships: contacts refuse oneself; dismissals and invitations need their fields', () => {
    expect(invalidPaths(new Contact({ userId: 'u1', contactId: 'u1', createdAt: 1 }))).toEqual([
      'contactId',
    ]);
    expect(invalidPaths(new Contact({ userId: 'u1', contactId: 'u2', createdAt: 1 }))).toEqual([]);
    expect(invalidPaths(new RequestDismissal({ userId: 'u1', conversationId: 'c' }))).toEqual([
      'upToSeq',
    ]);
    expect(invalidPaths(new Invitation({ conversationId: 'c', userId: 'u1' }))).toEqual(
      ['createdAt', 'inviterId'].sort(),
    );
  });

  it('devices and blocks: refuse missing fields and blocking oneself', () => {
    const { refreshTokenHash: _omitted, ...withoutHash } = device;
    expect(invalidPaths(new Device(withoutHash))).toEqual(['refreshTokenHash']);
    expect(invalidPaths(new Device({ ...device, revokedAt: -5 }))).toEqual(['revokedAt']);
    expect(invalidPaths(new Block({ userId: 'u1', blockedUserId: 'u1', createdAt: 1 }))).toEqual([
      'blockedUserId',
    ]);
  });

  it('conversations: refuse a bad kind, a direct chat without its pair key, a group with one', () => {
    expect(invalidPaths(new Conversation({ ...direct, kind: 'channel' }))).toContain('kind');
    expect(invalidPaths(new Conversation({ ...direct, directKey: undefined }))).toEqual([
      'directKey',
    ]);
    expect(invalidPaths(new Conversation({ ...direct, kind: 'group' }))).toEqual(['directKey']);
    expect(invalidPaths(new Conversation({ ...direct, lastSeq: -1 }))).toEqual(['lastSeq']);
    expect(invalidPaths(new Conversation({ ...direct, membersVersion: 0 }))).toEqual([
      'membersVersion',
    ]);
  });

  it('memberships: refuse a bad role, negative watermarks, no periods, a period ending before it starts', () => {
    expect(invalidPaths(new Membership({ ...membership, role: 'king' }))).toEqual(['role']);
    expect(invalidPaths(new Membership({ ...membership, readSeq: -1 }))).toEqual(['readSeq']);
    expect(invalidPaths(new Membership({ ...membership, deliveredSeq: 1.5 }))).toEqual([
      'deliveredSeq',
    ]);
    expect(invalidPaths(new Membership({ ...membership, periods: [] }))).toEqual(['periods']);
    expect(
      invalidPaths(new Membership({ ...membership, periods: [{ joinedSeq: 5, leftSeq: 4 }] })),
    ).toEqual(['periods.0.leftSeq']);
    expect(
      invalidPaths(new Membership({ ...membership, periods: [{ joinedSeq: 0, leftSeq: null }] })),
    ).toEqual(['periods.0.joinedSeq']);
    const { conversationId: _c, userId: _u, ...keyless } = membership;
    expect(invalidPaths(new Membership(keyless))).toEqual(['conversationId', 'userId']);
  });

  it('events: refuse an unknown type, a seq below 1 or not whole, and missing fields', () => {
    expect(invalidPaths(new Event({ ...message, type: 'poll' }))).toContain('type');
    expect(invalidPaths(new Event({ ...message, seq: 0 }))).toEqual(['seq']);
    expect(invalidPaths(new Event({ ...message, seq: -3 }))).toEqual(['seq']);
    expect(invalidPaths(new Event({ ...message, seq: 2.5 }))).toEqual(['seq']);
    expect(invalidPaths(new Event({ _id: 'e1', type: 'message' }))).toEqual(
      [
        'clientMsgId',
        'conversationId',
        'createdAt',
        'editVersion',
        'payload',
        'senderUserId',
        'seq',
      ].sort(),
    );
  });

  it('reactions: a target and an emoji, or null for a removal; nothing else', () => {
    const reaction = (payload: unknown) =>
      new Event({
        _id: 'e3',
        conversationId: 'c1',
        seq: 3,
        type: 'reaction',
        senderUserId: 'u2',
        senderDeviceId: 'd2',
        opId: 'op-1',
        createdAt: 3,
        payload,
      });
    expect(invalidPaths(reaction({ targetSeq: 1, emoji: '👍' }))).toEqual([]);
    expect(invalidPaths(reaction({ targetSeq: 1, emoji: null }))).toEqual([]);
    expect(invalidPaths(reaction({ targetSeq: 0, emoji: '👍' }))).toEqual(['payload']);
    expect(invalidPaths(reaction({ targetSeq: 1, emoji: '' }))).toEqual(['payload']);
    expect(invalidPaths(reaction({ targetSeq: 1 }))).toEqual(['payload']);
  });

  it('pins: a target and whether it is pinned; nothing else', () => {
    const pin = (payload: unknown) =>
      new Event({
        _id: 'e4',
        conversationId: 'c1',
        seq: 4,
        type: 'pin',
        senderUserId: 'u2',
        senderDeviceId: 'd2',
        opId: 'op-2',
        createdAt: 4,
        payload,
      });
    expect(invalidPaths(pin({ targetSeq: 1, pinned: true }))).toEqual([]);
    expect(invalidPaths(pin({ targetSeq: 1, pinned: false }))).toEqual([]);
    expect(invalidPaths(pin({ targetSeq: 0, pinned: true }))).toEqual(['payload']);
    expect(invalidPaths(pin({ targetSeq: 1, pinned: 'yes' }))).toEqual(['payload']);
    expect(invalidPaths(pin({ targetSeq: 1 }))).toEqual(['payload']);
  });

  it('events: a message needs its clientMsgId; other types need none and carry no message state', () => {
    const { clientMsgId: _cm, ...withoutClientMsgId } = message;
    expect(invalidPaths(new Event(withoutClientMsgId))).toEqual(['clientMsgId']);
    const renamed = new Event({
      _id: 'e2',
      conversationId: 'c1',
      seq: 2,
      type: 'conversation_renamed',
      senderUserId: 'u1',
      senderDeviceId: null,
      createdAt: 2,
      payload: { title: 'New' },
    });
    expect(invalidPaths(renamed)).toEqual([]);
    // Absent, not null: a null would be indexed, and the partial unique index must skip it.
    expect(renamed.toObject()).not.toHaveProperty('clientMsgId');
    expect(renamed.toObject()).not.toHaveProperty('opId');
  });

  it('events: refuse a payload that does not fit the type', () => {
    const role = (payload: unknown) =>
      new Event({ ...message, type: 'member_role', clientMsgId: undefined, payload });
    expect(invalidPaths(role({ userId: 'u2', role: 'admin' }))).toEqual([]);
    expect(invalidPaths(role({ userId: 'u2', role: 'king' }))).toEqual(['payload']);
    expect(invalidPaths(new Event({ ...message, payload: { text: 5 } }))).toEqual(['payload']);
    expect(
      invalidPaths(
        new Event({
          ...message,
          type: 'member_added',
          clientMsgId: undefined,
          payload: { userIds: [] },
        }),
      ),
    ).toEqual(['payload']);
  });

  it('refuses fields the schema does not know (strict), so a typo never lands in the database', () => {
    expect(() => new Membership({ ...membership, readseq: 3 })).toThrow(/not in schema/);
    expect(() => new Event({ ...message, clientMsgID: 'x' })).toThrow(/not in schema/);
  });

  it('meta: refuses an unknown document and a store document without its epoch', () => {
    expect(invalidPaths(new Meta({ _id: 'other' }))).toEqual(['_id']);
    expect(invalidPaths(new Meta({ _id: 'store', schemaVersion: 1 }))).toEqual(['epoch']);
    expect(invalidPaths(new Meta({ _id: 'change_counter' }))).toEqual(['counter']);
  });
});

const indexesOf = (schema: Schema) => schema.indexes();
const indexNamed = (schema: Schema, name: string) =>
  indexesOf(schema).find(([, options]) => options.name === name);

describe('mongo schemas: index definitions (schema.indexes(), created by migration 1)', () => {
  it('events: unique (conversationId, seq)', () => {
    expect(indexNamed(eventSchema, 'event_seq')).toEqual([
      { conversationId: 1, seq: 1 },
      expect.objectContaining({ unique: true }),
    ]);
  });

  it('events: clientMsgId and opId are unique per sender through PARTIAL indexes on { $type: "string" }', () => {
    expect(indexNamed(eventSchema, 'event_client_msg_id')).toEqual([
      { senderUserId: 1, clientMsgId: 1 },
      {
        unique: true,
        name: 'event_client_msg_id',
        partialFilterExpression: { clientMsgId: { $type: 'string' } },
        background: true,
      },
    ]);
    expect(indexNamed(eventSchema, 'event_op_id')).toEqual([
      { senderUserId: 1, opId: 1 },
      {
        unique: true,
        name: 'event_op_id',
        partialFilterExpression: { opId: { $type: 'string' } },
        background: true,
      },
    ]);
  });

  it('conversations: the direct pair key is unique through a partial index (groups have none)', () => {
    expect(indexNamed(conversationSchema, 'direct_pair')).toEqual([
      { directKey: 1 },
      expect.objectContaining({
        unique: true,
        partialFilterExpression: { directKey: { $type: 'string' } },
      }),
    ]);
  });

  it('users: the lower-cased username key is unique; memberships: unique per pair, listed by (userId, version)', () => {
    expect(indexNamed(userSchema, 'username_key')).toEqual([
      { usernameKey: 1 },
      expect.objectContaining({ unique: true }),
    ]);
    expect(indexNamed(membershipSchema, 'membership')).toEqual([
      { conversationId: 1, userId: 1 },
      expect.objectContaining({ unique: true }),
    ]);
    expect(indexNamed(membershipSchema, 'memberships_by_user')?.[0]).toEqual({
      userId: 1,
      version: 1,
    });
    expect(indexNamed(blockSchema, 'block_pair')?.[1]).toMatchObject({ unique: true });
  });

  it('no unique index covers a field that may be null or absent, unless it is partial on that field being a string', () => {
    const schemas: Record<string, Schema> = {
      userSchema,
      blockSchema,
      deviceSchema,
      conversationSchema,
      membershipSchema,
      eventSchema,
      metaSchema,
    };
    const offenders: string[] = [];
    for (const [schemaName, schema] of Object.entries(schemas)) {
      for (const [keys, options] of indexesOf(schema)) {
        if (options.unique !== true) continue;
        const partial: Record<string, unknown> = options.partialFilterExpression ?? {};
        for (const field of Object.keys(keys)) {
          // A function `required` (e.g. clientMsgId for messages only) means "sometimes absent".
          const alwaysPresent = schema.path(field)?.options.required === true;
          const partialOnString =
            JSON.stringify(partial[field]) === JSON.stringify({ $type: 'string' });
          if (!alwaysPresent && !partialOnString) offenders.push(`${schemaName}.${field}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
  it('lookups by clientMsgId, opId and direct pair state the partial filter verbatim, so MongoDB can use the index', () => {
    const partialOf = (schema: Schema, name: string): Record<string, unknown> =>
      indexNamed(schema, name)?.[1].partialFilterExpression ?? {};
    const lookups = [
      [byClientMsgId('u', 'c'), partialOf(eventSchema, 'event_client_msg_id')],
      [byOpId('u', 'o'), partialOf(eventSchema, 'event_op_id')],
      [byDirectKey('a:b'), partialOf(conversationSchema, 'direct_pair')],
    ] as const;
    for (const [filter, partial] of lookups) {
      expect(Object.keys(partial)).not.toHaveLength(0);
      for (const [field, condition] of Object.entries(partial)) {
        expect(filter).toHaveProperty([field], expect.objectContaining(condition as object));
      }
    }
    // ...and mongoose casts them as they are (casting needs no server).
    expect(Event.find(byClientMsgId('u', 'c')).cast(Event)).toEqual(byClientMsgId('u', 'c'));
    expect(Event.find(byOpId('u', 'o')).cast(Event)).toEqual(byOpId('u', 'o'));
    expect(Conversation.find(byDirectKey('a:b')).cast(Conversation)).toEqual(byDirectKey('a:b'));
  });
});

describe('mongo records: documents map to the records the SQLite store returns', () => {
  it('a message carries its current state, opId null and its clientMsgId', () => {
    const doc: EventDoc = {
      _id: 'e1',
      conversationId: 'c1',
      seq: 1,
      type: 'message',
      senderUserId: 'u1',
      senderDeviceId: null,
      clientMsgId: 'cm-1',
      createdAt: 5,
      payload: { text: 'hi', replyToSeq: null, attachments: [] },
      editedAt: null,
      editVersion: 0,
      deletedAt: null,
    };
    expect(toEventRecord(doc)).toEqual({
      id: 'e1',
      conversationId: 'c1',
      seq: 1,
      type: 'message',
      senderUserId: 'u1',
      senderDeviceId: null,
      createdAt: 5,
      payload: { text: 'hi', replyToSeq: null, attachments: [] },
      opId: null,
      clientMsgId: 'cm-1',
      editedAt: null,
      editVersion: 0,
      deletedAt: null,
    });
  });

  it('other events carry no message state', () => {
    const record = toEventRecord({
      _id: 'e2',
      conversationId: 'c1',
      seq: 2,
      type: 'message_deleted',
      senderUserId: 'u1',
      senderDeviceId: 'd1',
      opId: 'op',
      createdAt: 6,
      payload: { targetSeq: 1 },
    });
    expect(Object.keys(record).sort()).toEqual(
      [
        'conversationId',
        'createdAt',
        'id',
        'opId',
        'payload',
        'senderDeviceId',
        'senderUserId',
        'seq',
        'type',
      ].sort(),
    );
    expect(record.opId).toBe('op');
  });

  it('periods become seq ranges (an open one has no end); none means nothing is visible', () => {
    expect(
      periodFilter([
        { joinedSeq: 3, leftSeq: 5 },
        { joinedSeq: 7, leftSeq: null },
      ]),
    ).toEqual({ $or: [{ seq: { $gte: 3, $lte: 5 } }, { seq: { $gte: 7 } }] });
    expect(periodFilter([])).toBeNull();
    expect(
      closeLastPeriod(
        [
          { joinedSeq: 1, leftSeq: 2 },
          { joinedSeq: 4, leftSeq: null },
        ],
        9,
      ),
    ).toEqual([
      { joinedSeq: 1, leftSeq: 2 },
      { joinedSeq: 4, leftSeq: 9 },
    ]);
  });

  it('username prefixes match literally and regardless of case', () => {
    expect(prefixRegex('PRE_').test('pre_a')).toBe(true);
    expect(prefixRegex('pre').test('xpre')).toBe(false);
    expect(prefixRegex('a.b').test('axb')).toBe(false);
    expect(prefixRegex('%').test('pre')).toBe(false);
    expect(prefixRegex('(').test('(x')).toBe(true);
  });

  it('recognises duplicate-key errors, by index name, also inside bulk write errors', () => {
    const duplicate = Object.assign(
      new Error(
        'E11000 duplicate key error collection: db.events index: event_client_msg_id dup key: { senderUserId: "u", clientMsgId: "c" }',
      ),
      { code: 11000 },
    );
    expect(isDuplicateKeyError(duplicate)).toBe(true);
    expect(isDuplicateKeyError(duplicate, 'event_client_msg_id')).toBe(true);
    expect(isDuplicateKeyError(duplicate, 'event_op_id')).toBe(false);
    expect(isDuplicateKeyError({ code: 1, writeErrors: [{ code: 11000, errmsg: 'x' }] })).toBe(
      true,
    );
    expect(isDuplicateKeyError(Object.assign(new Error('write conflict'), { code: 112 }))).toBe(
      false,
    );
    expect(isDuplicateKeyError('E11000')).toBe(false);
  });

  it('reads the database name from the URI and hides the password in messages', () => {
    expect(databaseNameOf('mongodb://mongo:27017/chitchat?replicaSet=rs0')).toBe('chitchat');
    expect(databaseNameOf('mongodb://a:1,b:2/?replicaSet=rs0')).toBeUndefined();
    expect(databaseNameOf('mongodb+srv://cluster.example/app')).toBe('app');
    expect(redactUri('mongodb://user:secret@mongo:27017/db')).toBe('mongodb://***@mongo:27017/db');
    expect(redactUri('mongodb://mongo:27017/db')).toBe('mongodb://mongo:27017/db');
  });
});
