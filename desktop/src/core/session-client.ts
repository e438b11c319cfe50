import type {
  DeviceInfo,
  GroupAdds,
  InviteCreateBody,
  LastSeenVisibility,
  Me,
  PublicUser,
  PushSubscriptionBody,
} from '@chitchat/shared';
import { type AuthOptions, type SsoReauthentication } from '@chitchat/shared';
import type {
  AdminUserChange,
  ChatEvents,
  ConnectionState,
  ExportResult,
  SessionState,
  SignInInput,
  SignUpInput,
  ProfileChange,
  UserProfileView,
} from '../common/contract';
import * as administration from './administration';
import { forgetAccount, normalizeServerUrl, type StoredSession } from './account-paths';
import { ApiClient, type FetchLike, type SecretStore } from './api-client';
import { ChatClientError, remote } from './client-errors';
import type { EngineHost } from './host';
import {
  SSO_SIGN_IN_TIMEOUT_MS,
  authOptionsOf,
  browserOpener,
  reauthenticateThroughBrowser,
  reauthenticateWithCode,
  ssoExchange,
} from './sso-sign-in';
import type { SsoRedirectProof, SsoSignInInput } from '../common/sso';
import { Emitter, silentLogger, type EngineLogger } from './emitter';
import type { LinkPreviewMaker } from './link-preview/link-preview-maker';
import * as profiles from './profile-actions';
import * as webPush from './web-push-actions';
import { DEFAULT_SYNC_OPTIONS, type SocketFactory, type SyncEngineOptions } from './sync-engine';
import { SignedInSession } from './signed-in-session';

export interface ChatClientOptions {
  /** The profile's folder: the session file and one cache database per account live here. */
  profileDir: string;
  /** Keeps the refresh token (Electron: safeStorage). */
  secrets: SecretStore;
  /** The host's parts (host.ts): Node's in host.node.ts, a browser Worker's in desktop/src/web. */
  host: EngineHost;
  /** How this device is named in the account's device list. */
  device: { name: string; platform: string };
  logger?: EngineLogger;
  fetch?: FetchLike;
  sync?: Partial<SyncEngineOptions>;
  /** Opens the Socket.io connection (default: socket.io-client's `io`). */
  connect?: SocketFactory;
  /** How long sign-in and sign-up wait for the server's answer (default SIGN_IN_TIMEOUT_MS). */
  signInTimeoutMs?: number;
  /**
   * Makes link previews for the composer on this device (default: `nodeLinkPreviews()`, public
   * addresses only; tests inject a policy that allows their local page).
   */
  linkPreviews?: LinkPreviewMaker;
  /** Where "export my data" writes its archive (Electron: Downloads; default: `<profileDir>/exports`). */
  exportDir?: string;
  /**
   * Opens the system browser at a URL, for single sign-on (Electron: main's shell.openExternal;
   * the browser tests open a Playwright page). Without it, single sign-on is refused.
   */
  openBrowser?: (url: string) => Promise<void>;
}

/** A sign-in waits this long for the server before it fails with `timeout`. */
export const SIGN_IN_TIMEOUT_MS = 20_000;

/**
 * The engine's session half: sign-in and sign-out, the saved session, the connection, and the
 * account itself (devices, password, deletion, export, two-step sign-in, administration, the
 * person's profile). `ChatClient` adds the chats on top of it.
 */
export abstract class SessionClient {
  readonly events = new Emitter<ChatEvents>();
  /** The signed-in account's parts; null while signed out. */
  protected current: SignedInSession | null = null;
  protected readonly logger: EngineLogger;
  protected readonly syncOptions: SyncEngineOptions;

  /** The host's parts (host.ts): files, SQLite, hashing. */
  protected readonly platform: EngineHost;

  constructor(protected readonly options: ChatClientOptions) {
    this.platform = options.host;
    this.logger = options.logger ?? silentLogger;
    this.syncOptions = { ...DEFAULT_SYNC_OPTIONS, ...options.sync };
    this.platform.files.makeDir(options.profileDir);
  }

  /** Tells the screen how many group invitations wait (the chats' half keeps them). */
  protected abstract announceInvitations(): Promise<void>;

  protected get outboxFilesDir(): string {
    return this.platform.files.join(this.options.profileDir, 'outbox-files');
  }

  private get sessionFile(): string {
    return this.platform.files.join(this.options.profileDir, 'session.json');
  }

  /** Resumes the saved session, if any: opens the cache at once and connects in the background. */
  async start(): Promise<SessionState> {
    const file = this.platform.files.read(this.sessionFile);
    if (file !== null) {
      const saved = JSON.parse(new TextDecoder().decode(file)) as StoredSession;
      if ((await this.options.secrets.get()) !== null) this.open(saved);
      else this.platform.files.remove(this.sessionFile);
    }
    return this.getSession();
  }

  /** Closes the connection and the cache (the session stays saved for the next start). */
  async stop(): Promise<void> {
    this.close();
  }

  private open(session: StoredSession, signedIn?: ApiClient): void {
    const api =
      signedIn ?? new ApiClient(session.serverUrl, this.options.secrets, this.apiOptions());
    api.onSignedOut = (reason) => void this.endSession(reason);
    this.current = new SignedInSession(session, api, {
      profileDir: this.options.profileDir,
      platform: this.platform,
      events: this.events,
      logger: this.logger,
      syncOptions: this.syncOptions,
      connect: this.options.connect,
      ended: (reason) => void this.endSession(reason),
      invitationsChanged: () => void this.announceInvitations(),
      ownProfileChanged: () => void this.reloadOwnProfile(),
    });
  }

  protected close(): void {
    this.current?.close();
    this.current = null;
  }

  protected async endSession(reason: string): Promise<void> {
    const serverUrl = this.current?.session.serverUrl ?? null;
    this.close();
    this.platform.files.remove(this.sessionFile);
    await this.options.secrets.set(null);
    this.events.emit('session', { status: 'signed_out', serverUrl, reason });
  }

  protected ready(): SignedInSession {
    if (this.current === null) throw new ChatClientError('signed_out', 'Sign in first.');
    return this.current;
  }

  // ---------- session ----------

  async getSession(): Promise<SessionState> {
    if (this.current === null) return { status: 'signed_out', serverUrl: null };
    const { session } = this.current;
    return {
      status: 'signed_in',
      serverUrl: session.serverUrl,
      user: session.user,
      deviceId: session.deviceId,
    };
  }

  async signUp(input: SignUpInput): Promise<SessionState> {
    return this.signInWith(input.serverUrl, (api, signal) =>
      api.register(
        {
          username: input.username,
          password: input.password,
          ...(input.displayName ? { displayName: input.displayName } : {}),
          ...(input.inviteCode ? { inviteCode: input.inviteCode } : {}),
          device: this.options.device,
        },
        signal,
      ),
    );
  }

  async signIn(input: SignInInput): Promise<SessionState> {
    return this.signInWith(input.serverUrl, (api, signal) =>
      api.login(
        {
          username: input.username,
          password: input.password,
          ...(input.twoStepCode ? { twoStepCode: input.twoStepCode } : {}),
          device: this.options.device,
        },
        signal,
      ),
    );
  }

  async getAuthOptions(serverUrl: string): Promise<AuthOptions> {
    return authOptionsOf(this.apiFor(normalizeServerUrl(serverUrl)));
  }

  /** Signs in through the server's OpenID provider in the system browser (sso-sign-in.ts). */
  async signInWithSso(input: SsoSignInInput): Promise<SessionState> {
    const { redirected } = input;
    if (redirected !== undefined) {
      // The web app came back from the provider with the code: only the exchange is left.
      const { device } = this.options;
      return this.signInWith(input.serverUrl, (api, signal) =>
        api.ssoExchange({ ...redirected, device }, signal),
      );
    }
    const open = browserOpener(this.options.openBrowser, this.platform.codeFromBrowser);
    const exchange = ssoExchange(input, open, this.options.device);
    return this.signInWith(input.serverUrl, exchange, SSO_SIGN_IN_TIMEOUT_MS);
  }

  async reauthenticateWithSso(redirected?: SsoRedirectProof): Promise<SsoReauthentication> {
    const { api } = this.ready();
    if (redirected !== undefined)
      return this.whileSigningIn(SIGN_IN_TIMEOUT_MS, (signal) =>
        reauthenticateWithCode(api, redirected, signal),
      );
    const open = browserOpener(this.options.openBrowser, this.platform.codeFromBrowser);
    return this.whileSigningIn(SSO_SIGN_IN_TIMEOUT_MS, (signal) =>
      reauthenticateThroughBrowser(api, open, signal),
    );
  }

  /** The api-client's transport: the options' fetch (tests) and the host's upload. */
  private apiOptions() {
    return {
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      ...(this.platform.upload ? { upload: this.platform.upload } : {}),
    };
  }

  /** Stops a sign-in or sign-up that is waiting for the server; it fails with `cancelled`. */
  async cancelSignIn(): Promise<void> {
    this.signingIn?.abort();
  }

  private signingIn: AbortController | null = null;

  private apiFor(url: string): ApiClient {
    return new ApiClient(url, this.options.secrets, this.apiOptions());
  }

  /**
   * Runs a request of the sign-in screen: a server that accepts the connection but never answers
   * would otherwise leave the form waiting forever, so it gives up after `timeoutMs`, or when the
   * person cancels (`cancelSignIn`).
   */
  private async whileSigningIn<T>(
    timeoutMs: number,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const cancel = new AbortController();
    this.signingIn?.abort();
    this.signingIn = cancel;
    const signal = AbortSignal.any([cancel.signal, AbortSignal.timeout(timeoutMs)]);
    return remote(() => work(signal)).finally(() => {
      if (this.signingIn === cancel) this.signingIn = null;
    });
  }

  private async signInWith(
    serverUrl: string,
    authenticate: (api: ApiClient, signal: AbortSignal) => ReturnType<ApiClient['login']>,
    timeoutMs = this.options.signInTimeoutMs ?? SIGN_IN_TIMEOUT_MS,
  ): Promise<SessionState> {
    if (this.current !== null)
      throw new ChatClientError('conflict', 'Already signed in; sign out first.');
    const url = normalizeServerUrl(serverUrl);
    const api = this.apiFor(url);
    const auth = await this.whileSigningIn(timeoutMs, (signal) => authenticate(api, signal));
    const session: StoredSession = {
      serverUrl: url,
      user: sessionUserOf(auth.user),
      deviceId: auth.device.id,
    };
    this.platform.files.write(this.sessionFile, JSON.stringify(session));
    this.open(session, api);
    const state = await this.getSession();
    this.events.emit('session', state);
    return state;
  }

  async signOut(): Promise<void> {
    const api = this.current?.api ?? null;
    if (api !== null)
      await api
        .logout()
        .catch((error: unknown) => this.logger.warn('logout failed', { error: String(error) }));
    await this.endSession('Signed out.');
  }

  async getConnectionState(): Promise<ConnectionState> {
    return this.current?.engine.connection ?? 'offline';
  }

  /** Connects now rather than after the back-off delay (the offline banner's "Retry now"). */
  async reconnectNow(): Promise<void> {
    this.current?.engine.reconnectNow();
  }

  /** Sync now: on wake from sleep and on window focus. */
  resync(): void {
    this.current?.engine.requestSync();
  }

  /** Resolves when queued sync work has been applied (for tests and benchmarks). */
  async idle(): Promise<void> {
    await this.current?.engine.idle();
  }

  // ---------- people, devices, profile, search ----------

  async searchUsers(query: string): Promise<PublicUser[]> {
    const { api, session } = this.ready();
    const users = await remote(() => api.searchUsers(query));
    return users.filter((u) => u.id !== session.user.id);
  }

  async listDevices(): Promise<DeviceInfo[]> {
    const { api } = this.ready();
    return remote(() => api.devices());
  }

  async revokeDevice(deviceId: string): Promise<void> {
    const { api } = this.ready();
    await remote(() => api.revokeDevice(deviceId));
  }

  async signOutOtherDevices(): Promise<number> {
    const { api } = this.ready();
    return remote(() => api.signOutOtherDevices());
  }

  async changePassword(input: { currentPassword: string; newPassword: string }): Promise<number> {
    const { api } = this.ready();
    return remote(() => api.changePassword(input));
  }

  async deleteAccount(input: { password?: string }): Promise<void> {
    const current = this.ready();
    await remote(() => current.api.deleteAccount(input));
    const { profileDir } = this.options;
    const { serverUrl, user } = current.session;
    await this.endSession('Your account was deleted.');
    forgetAccount(profileDir, serverUrl, user.id, this.platform);
  }

  async exportData(): Promise<ExportResult> {
    const current = this.ready();
    const dir =
      this.options.exportDir ?? this.platform.files.join(this.options.profileDir, 'exports');
    const { exportData } = this.platform;
    if (exportData === undefined) {
      throw new ChatClientError('unsupported', 'Exporting your data is not available here.');
    }
    return exportData(current, current.list.list(), dir);
  }
  // Two-step sign-in and the admins' section: ./administration.ts.
  getAccountInfo = () => administration.accountInfo(this.ready().api);
  twoStepSetup = () => administration.twoStepSetup(this.ready().api);
  twoStepConfirm = (code: string) => administration.twoStepConfirm(this.ready().api, code);
  twoStepRecoveryCodes = (code: string) =>
    administration.twoStepRecoveryCodes(this.ready().api, code);
  twoStepDisable = (input: { password: string; code: string }) =>
    administration.twoStepDisable(this.ready().api, input);
  adminOverview = () => administration.adminOverview(this.ready().api);
  adminUpdateUser = (input: AdminUserChange) =>
    administration.adminUpdateUser(this.ready().api, input);
  adminCreateInvite = (input: InviteCreateBody) =>
    administration.adminCreateInvite(this.ready().api, input);
  adminRevokeInvite = (code: string) => administration.adminRevokeInvite(this.ready().api, code);
  listInvites = () => administration.listInvites(this.ready().api);
  // The web app's push subscription: ./web-push-actions.ts.
  getPushKey = () => webPush.pushKey(this.ready().api);
  setPushSubscription = (subscription: PushSubscriptionBody | null) =>
    webPush.setPushSubscription(this.ready().api, subscription);

  async updateProfile(input: {
    displayName?: string;
    lastSeenVisibility?: LastSeenVisibility;
    groupAdds?: GroupAdds;
    readReceipts?: boolean;
    notificationPreviews?: boolean;
  }): Promise<SessionState> {
    const current = this.ready();
    return this.adoptMe(await remote(() => current.api.updateMe(input)));
  }

  /** Keeps the signed-in person as the server answered (saved, and told to the screen). */
  private async adoptMe(me: Me): Promise<SessionState> {
    const current = this.ready();
    current.session = { ...current.session, user: sessionUserOf(me) };
    current.store.upsertUsers([me]);
    this.platform.files.write(this.sessionFile, JSON.stringify(current.session));
    const state = await this.getSession();
    this.events.emit('session', state);
    return state;
  }

  /** After `user:changed` about the person (another device changed it): reload it. */
  private async reloadOwnProfile(): Promise<void> {
    const current = this.current;
    if (current === null) return;
    try {
      const me = await current.api.me();
      if (this.current === current) await this.adoptMe(me);
    } catch (error) {
      this.logger.warn('could not reload the profile', { error: String(error) });
    }
  }

  // Profiles (issue #15): ./profile-actions.ts.
  updateOwnProfile = async (change: ProfileChange): Promise<void> => {
    await this.adoptMe(await profiles.updateOwnProfile(this.ready(), change));
  };
  setProfilePhoto = async (photo: { bytes: Uint8Array; mime: string } | null): Promise<void> => {
    await this.adoptMe(await profiles.setProfilePhoto(this.ready(), photo));
  };
  getUserProfile = (userId: string): Promise<UserProfileView> =>
    profiles.getUserProfile(this.ready(), userId);
  unblockUser = async (userId: string): Promise<void> => {
    const { api } = this.ready();
    await remote(() => api.updateMe({ unblock: [userId] }));
  };

  async blockUser(userId: string): Promise<void> {
    const { api } = this.ready();
    await remote(() => api.updateMe({ block: [userId] }));
  }
}

/** What the session keeps of the signed-in person (`session.json` and the screen's state). */
function sessionUserOf(me: Me): StoredSession['user'] {
  return {
    id: me.id,
    username: me.username,
    displayName: me.displayName,
    photo: me.photo,
    about: me.about,
    lastSeenVisibility: me.lastSeenVisibility,
    groupAdds: me.groupAdds,
    readReceipts: me.readReceipts,
    notificationPreviews: me.notificationPreviews,
    photoVisibility: me.photoVisibility,
    aboutVisibility: me.aboutVisibility,
  };
}
