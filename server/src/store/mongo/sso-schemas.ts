import { Schema, type Connection } from 'mongoose';
import { SSO_CLIENTS, type SsoClient } from '@chitchat/shared';
import { options as documentOptions, requiredInt } from './schema-options';

/*
 * Single sign-on (OpenID Connect, issue #18) in MongoDB; mirrors SQLite migration 015. Identities
 * are unique by (issuer, subject); one-time codes are keyed by their SHA-256 and removed by a TTL
 * index once expired (spending one deletes it); a device's last provider sign-in is keyed by it.
 */

export interface SsoIdentityDoc {
  issuer: string;
  subject: string;
  userId: string;
  createdAt: number;
}

export interface SsoCodeDoc {
  /** SHA-256 (hex) of the code. */
  _id: string;
  userId: string;
  client: SsoClient;
  challenge: string;
  expiresAt: number;
  /** `expiresAt` as a date, for the TTL index (MongoDB expires documents by dates only). */
  expireAt: Date;
}

export interface SsoDeviceSignInDoc {
  /** The device id. */
  _id: string;
  at: number;
}

export const ssoIdentitySchema = new Schema<SsoIdentityDoc>(
  {
    issuer: { type: String, required: true, minlength: 1 },
    subject: { type: String, required: true, minlength: 1 },
    userId: { type: String, required: true },
    createdAt: requiredInt(0),
  },
  documentOptions,
);
ssoIdentitySchema.index({ issuer: 1, subject: 1 }, { unique: true, name: 'identity' });
ssoIdentitySchema.index({ userId: 1 }, { name: 'identities_by_user' });

export const ssoCodeSchema = new Schema<SsoCodeDoc>(
  {
    _id: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
    userId: { type: String, required: true },
    client: { type: String, required: true, enum: SSO_CLIENTS },
    challenge: { type: String, required: true, match: /^[A-Za-z0-9_-]{43}$/ },
    expiresAt: requiredInt(0),
    expireAt: { type: Date, required: true },
  },
  documentOptions,
);
ssoCodeSchema.index({ expireAt: 1 }, { expireAfterSeconds: 0, name: 'expiry' });

export const ssoDeviceSignInSchema = new Schema<SsoDeviceSignInDoc>(
  { _id: { type: String, required: true }, at: requiredInt(0) },
  documentOptions,
);

export function ssoModels(connection: Connection) {
  return {
    SsoIdentity: connection.model<SsoIdentityDoc>(
      'SsoIdentity',
      ssoIdentitySchema,
      'sso_identities',
    ),
    SsoCode: connection.model<SsoCodeDoc>('SsoCode', ssoCodeSchema, 'sso_codes'),
    SsoDeviceSignIn: connection.model<SsoDeviceSignInDoc>(
      'SsoDeviceSignIn',
      ssoDeviceSignInSchema,
      'sso_device_sign_ins',
    ),
  };
}
