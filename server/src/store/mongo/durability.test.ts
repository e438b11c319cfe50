import { describe, expect, it } from 'vitest';
import { mongoConnectionOptions } from './index';
import {
  blockSchema,
  conversationSchema,
  deviceSchema,
  eventSchema,
  membershipSchema,
  metaSchema,
  userSchema,
} from './schemas';
import { TRANSACTION_OPTIONS } from './transaction';

// Without a MongoDB server (none can run here): the options the store hands to the driver and to
// mongoose are what makes an ack durable and a read safe from a failover (DESIGN §6.1).
describe('mongo durability options', () => {
  it('the store connection writes { w: majority, j: true } and reads majority, whatever the URI says', () => {
    for (const uri of [
      'mongodb://mongo:27017/chitchat?replicaSet=rs0',
      'mongodb://mongo:27017/chitchat?replicaSet=rs0&w=1&journal=false&readConcernLevel=local',
    ]) {
      const options = mongoConnectionOptions(uri, 'chitchat');
      expect(options.writeConcern).toEqual({ w: 'majority', j: true });
      expect(options.readConcern).toEqual({ level: 'majority' });
    }
  });

  it('transactions commit with { w: majority, j: true } on a snapshot of the primary', () => {
    expect(TRANSACTION_OPTIONS).toEqual({
      readConcern: { level: 'snapshot' },
      writeConcern: { w: 'majority', j: true },
      readPreference: 'primary',
    });
  });

  it('events, summaries (conversations, memberships) and accounts default to the same concerns', () => {
    for (const schema of [
      eventSchema,
      conversationSchema,
      membershipSchema,
      userSchema,
      deviceSchema,
      blockSchema,
      metaSchema,
    ]) {
      expect(schema.get('writeConcern')).toEqual({ w: 'majority', j: true });
      expect(schema.get('readConcern')).toEqual({ level: 'majority' });
    }
  });
});
