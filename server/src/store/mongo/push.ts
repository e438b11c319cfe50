import type { PushStore } from '../push-types';
import type { PushSubscriptionDoc } from './push-schemas';
import type { MongoModels } from './schemas';

/** Push subscriptions in MongoDB; mirrors ../sqlite/push.ts. */
export function mongoPushStore(models: MongoModels): PushStore {
  const { PushSubscription, Device } = models;
  return {
    async setPushSubscription(record) {
      const active = await Device.exists({
        _id: record.deviceId,
        userId: record.userId,
        revokedAt: null,
      });
      if (active === null) return false;
      const { deviceId, ...fields } = record;
      await PushSubscription.updateOne(
        { _id: deviceId },
        { $set: fields },
        { upsert: true, runValidators: true },
      );
      // A revoke that ran between the check and the write removed nothing: undo the write, so a
      // revoked device never keeps a subscription.
      if ((await Device.exists({ _id: deviceId, revokedAt: null })) === null) {
        await PushSubscription.deleteOne({ _id: deviceId });
        return false;
      }
      return true;
    },
    async removePushSubscription(deviceId, endpoint) {
      const result = await PushSubscription.deleteOne(
        endpoint === undefined ? { _id: deviceId } : { _id: deviceId, endpoint },
      );
      return result.deletedCount === 1;
    },
    async pushSubscriptionsOf(userIds) {
      if (userIds.length === 0) return [];
      const docs = await PushSubscription.find({ userId: { $in: [...new Set(userIds)] } })
        .sort({ _id: 1 })
        .lean<PushSubscriptionDoc[]>();
      if (docs.length === 0) return [];
      const active = await Device.find({ _id: { $in: docs.map((d) => d._id) }, revokedAt: null })
        .select({ _id: 1 })
        .lean<{ _id: string }[]>();
      const activeIds = new Set(active.map((d) => d._id));
      return docs
        .filter((doc) => activeIds.has(doc._id))
        .map((doc) => ({
          deviceId: doc._id,
          userId: doc.userId,
          endpoint: doc.endpoint,
          p256dh: doc.p256dh,
          auth: doc.auth,
          createdAt: doc.createdAt,
        }));
    },
  };
}
