import type {
  AdminServerInfo,
  AdminUser,
  DeviceInfo,
  Invite,
  InviteCreateBody,
  PushSubscriptionBody,
  TwoStepSetup,
  TwoStepStatus,
  UserRole,
} from '@chitchat/shared';

/** Where "export my data" wrote its archive, and what it holds. */
export interface ExportResult {
  /** The archive's full path on this computer. */
  path: string;
  fileName: string;
  bytes: number;
  conversations: number;
  /** Messages and system lines, over every chat. */
  messages: number;
  /** Files of the archive's media: attachments, my profile photo and the groups' photos. */
  mediaFiles: number;
  /** Attachments and photos the server no longer has (left out, and said so in the pages). */
  missingMedia: number;
}

/** The signed-in account's role and two-step sign-in, fresh from the server (issue #18). */
export interface AccountInfo {
  role: UserRole;
  twoStep: TwoStepStatus;
  /** False for an account made by single sign-on: no password to change. */
  hasPassword: boolean;
}

/** What an admin's "Administration" section shows. */
export interface AdminOverview {
  server: AdminServerInfo;
  users: AdminUser[];
  invites: Invite[];
}

/** An admin's change to an account: make or remove admin, disable or enable. */
export interface AdminUserChange {
  userId: string;
  role?: UserRole;
  disabled?: boolean;
}

/** The account from the app: devices, password, deletion, export, two-step sign-in, administration. */
export interface AccountApi {
  listDevices(): Promise<DeviceInfo[]>;
  revokeDevice(deviceId: string): Promise<void>;
  /** "Sign out all other devices": answers how many were signed out. */
  signOutOtherDevices(): Promise<number>;
  /**
   * Changes the password (the current one is required); every other device of the account is
   * signed out at once. Answers how many were.
   */
  changePassword(input: { currentPassword: string; newPassword: string }): Promise<number>;
  /**
   * Deletes the account for good (the password confirms it; an account made by single sign-on
   * gives none, after `reauthenticateWithSso`): every device is signed out, and this
   * one also forgets the account's local copy (chats, media, outbox). Others keep what they
   * received, from "Deleted account".
   */
  deleteAccount(input: { password?: string }): Promise<void>;
  /**
   * "Export my data": a zip of the profile, every chat as JSON and as readable HTML, and their media,
   * made on this device (history completed from the server first) in the exports folder.
   */
  exportData(): Promise<ExportResult>;
  /** The account's role and two-step sign-in state, fresh from the server. */
  getAccountInfo(): Promise<AccountInfo>;
  /** Starts setting up two-step sign-in: a secret and its otpauth:// URI (shown as a QR code). */
  twoStepSetup(): Promise<TwoStepSetup>;
  /** Confirms the set-up with the app's current code; answers the recovery codes (shown once). */
  twoStepConfirm(code: string): Promise<string[]>;
  /** Ten new recovery codes for a current code (or a recovery code); the old ones stop working. */
  twoStepRecoveryCodes(code: string): Promise<string[]>;
  /** Turns two-step sign-in off (the password and a code, or a recovery code). */
  twoStepDisable(input: { password: string; code: string }): Promise<void>;
  /** Admins: how the server runs, its users and its invites. Others get `forbidden`. */
  adminOverview(): Promise<AdminOverview>;
  adminUpdateUser(input: AdminUserChange): Promise<AdminUser>;
  adminCreateInvite(input: InviteCreateBody): Promise<Invite>;
  adminRevokeInvite(code: string): Promise<void>;
  /**
   * The invites this person may hand out (`GET /api/invites`): an admin's are all of them; a
   * member's are their own where the server lets members invite (`MEMBER_INVITES`), else
   * `forbidden`. Create and revoke them with adminCreateInvite / adminRevokeInvite (a member's
   * are single-use; the server decides).
   */
  listInvites(): Promise<Invite[]>;
  /**
   * The server's Web Push key (`GET /api/push/key`): the web app subscribes its browser with it.
   * `not_found` when the server has no Web Push (no https PUBLIC_URL).
   */
  getPushKey(): Promise<string>;
  /** This device's push subscription on the server: set (replacing any) or removed with `null`. */
  setPushSubscription(subscription: PushSubscriptionBody | null): Promise<void>;
}

/** The method names, added to CHAT_API_METHODS. */
export const ACCOUNT_API_METHODS = [
  'listDevices',
  'revokeDevice',
  'signOutOtherDevices',
  'changePassword',
  'deleteAccount',
  'exportData',
  'getAccountInfo',
  'twoStepSetup',
  'twoStepConfirm',
  'twoStepDisable',
  'twoStepRecoveryCodes',
  'adminOverview',
  'adminUpdateUser',
  'adminCreateInvite',
  'adminRevokeInvite',
  'listInvites',
  'getPushKey',
  'setPushSubscription',
] as const;
