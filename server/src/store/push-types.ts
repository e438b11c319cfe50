/** A device's Web Push subscription (RFC 8030): where to post, and the keys to encrypt to (RFC 8291). */
export interface PushSubscriptionRecord {
  deviceId: string;
  userId: string;
  endpoint: string;
  /** The browser's P-256 public key, base64url. */
  p256dh: string;
  /** The browser's 16-byte auth secret, base64url. */
  auth: string;
  createdAt: number;
}

/**
 * Push subscriptions, one per device (issue #17). A revoked device has none: revoking it removes
 * its subscription, and a subscription is never written for a device that is not active.
 */
export interface PushStore {
  /**
   * Keeps `record` as its device's one subscription, replacing an earlier one. False (and nothing
   * written) when the device is unknown, revoked, or not the user's.
   */
  setPushSubscription(record: PushSubscriptionRecord): Promise<boolean>;
  /**
   * Removes the device's subscription; with `endpoint`, only while it is still that one (a push
   * service's "gone" for an old endpoint must not remove the device's newer subscription). True
   * when one was removed.
   */
  removePushSubscription(deviceId: string, endpoint?: string): Promise<boolean>;
  /** The subscriptions of the active devices of `userIds`, by device id. */
  pushSubscriptionsOf(userIds: readonly string[]): Promise<PushSubscriptionRecord[]>;
}
