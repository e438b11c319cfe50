import type { SsoStore } from '../sso-types';
import type { MongoModels } from './schemas';
import type { SsoCodeDoc, SsoIdentityDoc } from './sso-schemas';

/** Single sign-on in MongoDB; mirrors ../sqlite/sso.ts. Identities are linked by registerUser. */
export function mongoSsoStore(models: MongoModels): SsoStore {
  const { SsoIdentity, SsoCode, SsoDeviceSignIn } = models;
  return {
    async userIdBySsoIdentity({ issuer, subject }) {
      const doc = await SsoIdentity.findOne({ issuer, subject }).lean<SsoIdentityDoc>();
      return doc?.userId ?? null;
    },
    async saveSsoCode(record, at) {
      // The TTL index removes expired codes too, but only once a minute.
      await SsoCode.deleteMany({ expiresAt: { $lte: at } });
      await SsoCode.insertMany([
        {
          _id: record.codeHash,
          userId: record.userId,
          client: record.client,
          challenge: record.challenge,
          expiresAt: record.expiresAt,
          expireAt: new Date(record.expiresAt),
        },
      ]);
    },
    async takeSsoCode(codeHash, at) {
      // One atomic find-and-delete: two exchanges of one code cannot both get it.
      const doc = await SsoCode.findOneAndDelete({
        _id: codeHash,
        expiresAt: { $gt: at },
      }).lean<SsoCodeDoc>();
      if (doc === null) return null;
      return {
        codeHash: doc._id,
        userId: doc.userId,
        client: doc.client,
        challenge: doc.challenge,
        expiresAt: doc.expiresAt,
      };
    },
    async markSsoSignIn(deviceId, at) {
      await SsoDeviceSignIn.updateOne({ _id: deviceId }, { $max: { at } }, { upsert: true });
    },
    async lastSsoSignIn(deviceId) {
      const doc = await SsoDeviceSignIn.findById(deviceId).lean<{ at: number }>();
      return doc?.at ?? null;
    },
  };
}
