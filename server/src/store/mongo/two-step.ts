import type { TwoStepStore } from '../types';
import { isDuplicateKeyError } from './records';
import type { TwoStepDoc } from './two-step-schemas';
import type { MongoModels } from './schemas';

const unusedCodes = (hashes: readonly string[]) =>
  [...new Set(hashes)].map((hash) => ({ hash, usedAt: null }));

/** Two-step sign-in in MongoDB; mirrors ../sqlite/two-step.ts. Every change is one conditional update. */
export function mongoTwoStepStore(models: MongoModels): TwoStepStore {
  const { TwoStep } = models;
  const inForce = { enabledAt: { $ne: null } };
  return {
    async twoStepOf(userId) {
      const doc = await TwoStep.findById(userId).lean<TwoStepDoc>();
      if (doc === null) return null;
      return {
        userId: doc._id,
        secret: doc.secret,
        enabledAt: doc.enabledAt,
        lastStep: doc.lastStep,
        recoveryCodesLeft: doc.recoveryCodes.filter((c) => c.usedAt === null).length,
      };
    },
    async setPendingTwoStep(userId, secret) {
      // Matches only an unconfirmed document; when one in force exists, the upsert's insert hits
      // the _id and fails: nothing is written.
      try {
        await TwoStep.updateOne(
          { _id: userId, enabledAt: null },
          { $set: { secret, lastStep: null, recoveryCodes: [] } },
          { upsert: true },
        );
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },
    async enableTwoStep(userId, input) {
      const result = await TwoStep.updateOne(
        { _id: userId, secret: input.secret, enabledAt: null },
        {
          $set: {
            enabledAt: input.at,
            lastStep: input.step,
            recoveryCodes: unusedCodes(input.recoveryCodeHashes),
          },
        },
      );
      return result.modifiedCount === 1;
    },
    async acceptTwoStepStep(userId, step) {
      const result = await TwoStep.updateOne(
        { _id: userId, ...inForce, $or: [{ lastStep: null }, { lastStep: { $lt: step } }] },
        { $set: { lastStep: step } },
      );
      return result.modifiedCount === 1;
    },
    async useRecoveryCode(userId, codeHash, at) {
      const result = await TwoStep.updateOne(
        {
          _id: userId,
          ...inForce,
          recoveryCodes: { $elemMatch: { hash: codeHash, usedAt: null } },
        },
        { $set: { 'recoveryCodes.$.usedAt': at } },
      );
      return result.modifiedCount === 1;
    },
    async replaceRecoveryCodes(userId, codeHashes) {
      const result = await TwoStep.updateOne(
        { _id: userId, ...inForce },
        { $set: { recoveryCodes: unusedCodes(codeHashes) } },
      );
      return result.matchedCount === 1;
    },
    async disableTwoStep(userId) {
      const result = await TwoStep.deleteOne({ _id: userId });
      return result.deletedCount === 1;
    },
  };
}
