/*
 * Web Push (issue #17): one push subscription per device, and the account's choice of previews in
 * notifications (on for everyone until they turn it off). The trigger removes a device's
 * subscription in the same statement that revokes it, whichever path revokes (sign-out, revoke
 * from another device, a password change, the admin CLI on the file), so a revoked device is
 * never pushed to.
 */
export const migration018 = `
CREATE TABLE push_subscriptions (
  device_id TEXT PRIMARY KEY REFERENCES devices(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  endpoint TEXT NOT NULL,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX push_subscriptions_by_user ON push_subscriptions (user_id);
CREATE TRIGGER push_subscriptions_revoked AFTER UPDATE OF revoked_at ON devices
WHEN NEW.revoked_at IS NOT NULL
BEGIN
  DELETE FROM push_subscriptions WHERE device_id = NEW.id;
END;
ALTER TABLE users ADD COLUMN notification_previews INTEGER NOT NULL DEFAULT 1 CHECK (notification_previews IN (0, 1));
`;
