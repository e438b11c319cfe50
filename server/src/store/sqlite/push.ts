import type { SqliteDatabase } from './database';
import type { PushStore, PushSubscriptionRecord } from '../push-types';

interface PushSubscriptionRow {
  device_id: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  created_at: number;
}

const toRecord = (row: PushSubscriptionRow): PushSubscriptionRecord => ({
  deviceId: row.device_id,
  userId: row.user_id,
  endpoint: row.endpoint,
  p256dh: row.p256dh,
  auth: row.auth,
  createdAt: row.created_at,
});

/** Push subscriptions in SQLite (migration 018); mirrors ../mongo/push.ts. */
export function sqlitePushStore(db: SqliteDatabase): PushStore {
  const st = {
    // Written only for an active device of that user, in the statement itself.
    put: db.prepare(
      `INSERT INTO push_subscriptions (device_id, user_id, endpoint, p256dh, auth, created_at)
       SELECT @deviceId, @userId, @endpoint, @p256dh, @auth, @createdAt
       WHERE EXISTS (SELECT 1 FROM devices
                     WHERE id = @deviceId AND user_id = @userId AND revoked_at IS NULL)
       ON CONFLICT (device_id) DO UPDATE SET
         endpoint = excluded.endpoint, p256dh = excluded.p256dh, auth = excluded.auth,
         created_at = excluded.created_at`,
    ),
    remove: db.prepare('DELETE FROM push_subscriptions WHERE device_id = ?'),
    removeIfEndpoint: db.prepare(
      'DELETE FROM push_subscriptions WHERE device_id = ? AND endpoint = ?',
    ),
    // One statement whatever the number of users (a group of hundreds): the ids travel as JSON.
    ofUsers: db.prepare<[string], PushSubscriptionRow>(
      `SELECT p.* FROM push_subscriptions p JOIN devices d ON d.id = p.device_id
       WHERE p.user_id IN (SELECT value FROM json_each(?)) AND d.revoked_at IS NULL
       ORDER BY p.device_id`,
    ),
  };
  return {
    async setPushSubscription(record) {
      return st.put.run(record).changes === 1;
    },
    async removePushSubscription(deviceId, endpoint) {
      const result =
        endpoint === undefined
          ? st.remove.run(deviceId)
          : st.removeIfEndpoint.run(deviceId, endpoint);
      return result.changes === 1;
    },
    async pushSubscriptionsOf(userIds) {
      if (userIds.length === 0) return [];
      return st.ofUsers.all(JSON.stringify([...new Set(userIds)])).map(toRecord);
    },
  };
}
