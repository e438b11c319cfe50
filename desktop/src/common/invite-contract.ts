import type {
  InviteLink,
  InviteLinkPreview,
  JoinRequest,
  JoinRequestUpdate,
} from '@chitchat/shared';
import type { ConversationView } from './contract';

/*
 * Group invite links and the approval queue in the app (issue #15): the part of the contract between
 * the screen and the engine. An admin creates, copies and resets a group's link and answers join
 * requests; anyone signed in opens a link (pasted or clicked), sees the group and joins or asks to.
 * ChatApi and ChatEvents (contract.ts) include these.
 */

/** What opening a link shows: the group as the server describes it, with the code it was read from. */
export interface InviteLinkPreviewView extends InviteLinkPreview {
  code: string;
}

/** After "Join group" / "Request to join": in the chat now, or waiting for an admin. */
export type JoinOutcome =
  | { status: 'joined'; conversation: ConversationView }
  | { status: 'pending'; conversationId: string };

/** The approval queue of one group as this admin's device knows it, oldest request first. */
export interface JoinRequestQueue {
  conversationId: string;
  requests: JoinRequest[];
}

export interface InviteApi {
  /** A new link for a group (owner/admins); `expiresInS` 60 s … 30 days, absent: never expires. */
  createInviteLink(input: { conversationId: string; expiresInS?: number }): Promise<InviteLink>;
  /** The group's working links, newest first (owner/admins). */
  listInviteLinks(conversationId: string): Promise<InviteLink[]>;
  /** The link admits nobody from now on ("Reset link" revokes it and creates another). */
  revokeInviteLink(input: { conversationId: string; code: string }): Promise<void>;
  /**
   * The group behind a link as a person pasted or clicked it: the code alone or any address ending
   * in `/join/<code>`. `invalid_payload` when the text holds no code; `not_found` when the link was
   * revoked, expired, or never existed.
   */
  previewInviteLink(link: string): Promise<InviteLinkPreviewView>;
  /** Joins through a link, or (where admins approve new members) sends a join request. */
  joinByInviteLink(code: string): Promise<JoinOutcome>;
  /** A group's pending join requests: from the server when online, else as last known. */
  listJoinRequests(conversationId: string): Promise<JoinRequest[]>;
  /** Approve (`accept`) or reject a request (owner/admins); the queue updates on every admin device. */
  answerJoinRequest(input: {
    conversationId: string;
    userId: string;
    accept: boolean;
  }): Promise<void>;
  /** The requester withdraws their request. */
  cancelJoinRequest(conversationId: string): Promise<void>;
}

export interface InviteEvents {
  /** A group's approval queue changed (a request arrived, or was answered or cancelled anywhere). */
  joinRequests: JoinRequestQueue;
  /** The person's own join request started or ended (accepted: the group is in the list now). */
  myJoinRequest: JoinRequestUpdate;
}

export const INVITE_API_METHODS = [
  'createInviteLink',
  'listInviteLinks',
  'revokeInviteLink',
  'previewInviteLink',
  'joinByInviteLink',
  'listJoinRequests',
  'answerJoinRequest',
  'cancelJoinRequest',
] as const satisfies readonly (keyof InviteApi)[];

export const INVITE_EVENT_NAMES = [
  'joinRequests',
  'myJoinRequest',
] as const satisfies readonly (keyof InviteEvents)[];
