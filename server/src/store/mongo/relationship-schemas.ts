import { Schema, type Connection } from 'mongoose';
import { options, requiredInt } from './schema-options';

/*
 * Relationships in MongoDB (DESIGN §3 "Relationships"): contacts, dismissed message requests and
 * pending group invitations, one collection each.
 */

/** One entry of a user's contacts (DESIGN §3 "Relationships"). */
export interface ContactDoc {
  userId: string;
  contactId: string;
  createdAt: number;
}

export const contactSchema = new Schema<ContactDoc>(
  {
    userId: { type: String, required: true },
    contactId: {
      type: String,
      required: true,
      validate: {
        validator(this: ContactDoc, id: string) {
          return typeof this.userId !== 'string' || id !== this.userId;
        },
        message: 'a user is not their own contact',
      },
    },
    createdAt: requiredInt(0),
  },
  options,
);
contactSchema.index({ userId: 1, contactId: 1 }, { unique: true, name: 'contact_pair' });
contactSchema.index({ contactId: 1 }, { name: 'contacts_by_contact' });

/** A message request the user deleted, up to a seq of the direct chat. */
export interface RequestDismissalDoc {
  userId: string;
  conversationId: string;
  upToSeq: number;
}

export const requestDismissalSchema = new Schema<RequestDismissalDoc>(
  {
    userId: { type: String, required: true },
    conversationId: { type: String, required: true },
    upToSeq: requiredInt(0),
  },
  options,
);
requestDismissalSchema.index(
  { userId: 1, conversationId: 1 },
  { unique: true, name: 'request_dismissal' },
);

/** A pending add to a group of someone whose `groupAdds` is `contacts`. */
export interface InvitationDoc {
  conversationId: string;
  userId: string;
  inviterId: string;
  createdAt: number;
}

export const invitationSchema = new Schema<InvitationDoc>(
  {
    conversationId: { type: String, required: true },
    userId: { type: String, required: true },
    inviterId: { type: String, required: true },
    createdAt: requiredInt(0),
  },
  options,
);
invitationSchema.index({ conversationId: 1, userId: 1 }, { unique: true, name: 'invitation' });
invitationSchema.index({ userId: 1, createdAt: 1 }, { name: 'invitations_by_user' });

/** Registers the relationship models on `connection` (part of `defineModels`). */
export function relationshipModels(connection: Connection) {
  return {
    Contact: connection.model<ContactDoc>('Contact', contactSchema, 'contacts'),
    RequestDismissal: connection.model<RequestDismissalDoc>(
      'RequestDismissal',
      requestDismissalSchema,
      'request_dismissals',
    ),
    Invitation: connection.model<InvitationDoc>(
      'Invitation',
      invitationSchema,
      'group_invitations',
    ),
  };
}
