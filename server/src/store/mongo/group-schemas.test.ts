import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GROUP_PERMISSIONS } from '@chitchat/shared';
import { toConversationRecord } from './records';
import { defineModels, type ConversationDoc } from './schemas';

// Without a MongoDB server: models on a connection never opened, validated in process.
const { Conversation, Event, InviteLink, JoinRequest } = defineModels(mongoose.createConnection());

const invalidPaths = (doc: { validateSync(): mongoose.Error.ValidationError | null | undefined }) =>
  Object.keys(doc.validateSync()?.errors ?? {}).sort();

const groupDoc: ConversationDoc = {
  _id: 'g1',
  kind: 'group',
  title: 'G',
  avatar: null,
  createdBy: 'u1',
  createdAt: 1,
  lastSeq: 1,
  version: 1,
  membersVersion: 1,
  groupDeliveredSeq: 0,
  groupReadSeq: 0,
};

const event = (type: string, payload: unknown) =>
  new Event({
    _id: `e-${type}`,
    conversationId: 'g1',
    seq: 2,
    type,
    senderUserId: 'u1',
    senderDeviceId: null,
    createdAt: 2,
    payload,
  });

describe('mongo schemas: group settings (issue #15)', () => {
  it('a group document holds a description and permissions; older documents read as the defaults', () => {
    const permissions = { send: 'admins', editInfo: 'everyone', approveJoins: true } as const;
    expect(
      invalidPaths(new Conversation({ ...groupDoc, description: 'About', permissions })),
    ).toEqual([]);
    expect(
      invalidPaths(
        new Conversation({ ...groupDoc, permissions: { ...permissions, send: 'nobody' } }),
      ),
    ).toEqual(['permissions.send']);
    expect(toConversationRecord(groupDoc)).toMatchObject({
      description: null,
      permissions: DEFAULT_GROUP_PERMISSIONS,
    });
    expect(toConversationRecord({ ...groupDoc, description: 'About', permissions })).toMatchObject({
      description: 'About',
      permissions,
    });
  });

  it('description_changed and group_settings payloads are checked by type', () => {
    expect(invalidPaths(event('description_changed', { description: 'x' }))).toEqual([]);
    expect(invalidPaths(event('description_changed', { description: null }))).toEqual([]);
    expect(invalidPaths(event('description_changed', { description: 3 }))).toEqual(['payload']);
    const permissions = { send: 'everyone', editInfo: 'admins', approveJoins: false };
    expect(invalidPaths(event('group_settings', { permissions }))).toEqual([]);
    expect(
      invalidPaths(event('group_settings', { permissions: { ...permissions, editInfo: 'x' } })),
    ).toEqual(['payload']);
    expect(invalidPaths(event('group_settings', {}))).toEqual(['payload']);
  });

  it('invite links and join requests: required fields, integer times, a partial unique opId index', () => {
    const link = {
      _id: 'c'.repeat(22),
      conversationId: 'g1',
      createdBy: 'u1',
      createdAt: 1,
      expiresAt: null,
      revokedAt: null,
    };
    expect(invalidPaths(new InviteLink(link))).toEqual([]);
    expect(invalidPaths(new InviteLink({ ...link, expiresAt: 1.5 }))).toEqual(['expiresAt']);
    expect(invalidPaths(new InviteLink({ ...link, createdBy: undefined }))).toEqual(['createdBy']);
    expect(InviteLink.schema.indexes()).toContainEqual([
      { createdBy: 1, opId: 1 },
      expect.objectContaining({
        unique: true,
        partialFilterExpression: { opId: { $type: 'string' } },
      }),
    ]);
    const request = { conversationId: 'g1', userId: 'u2', code: 'c'.repeat(22), createdAt: 1 };
    expect(invalidPaths(new JoinRequest(request))).toEqual([]);
    expect(invalidPaths(new JoinRequest({ ...request, userId: undefined }))).toEqual(['userId']);
    expect(JoinRequest.schema.indexes()).toContainEqual([
      { conversationId: 1, userId: 1 },
      expect.objectContaining({ unique: true }),
    ]);
  });
});
