import { Schema, type Connection } from 'mongoose';
import { options as documentOptions, requiredInt } from './schema-options';

/*
 * Web Push (issue #17) in MongoDB: one subscription per device, keyed by the device id, found by
 * user. Mirrors SQLite migration 018.
 */

export interface PushSubscriptionDoc {
  /** The device id. */
  _id: string;
  userId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  createdAt: number;
}

export const pushSubscriptionSchema = new Schema<PushSubscriptionDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    endpoint: { type: String, required: true, match: /^https?:\/\//, maxlength: 2048 },
    p256dh: { type: String, required: true, match: /^B[A-Za-z0-9_-]{86}$/ },
    auth: { type: String, required: true, match: /^[A-Za-z0-9_-]{22}$/ },
    createdAt: requiredInt(0),
  },
  documentOptions,
);
pushSubscriptionSchema.index({ userId: 1 }, { name: 'push_subscriptions_by_user' });

export function pushModels(connection: Connection) {
  return {
    PushSubscription: connection.model<PushSubscriptionDoc>(
      'PushSubscription',
      pushSubscriptionSchema,
      'push_subscriptions',
    ),
  };
}
