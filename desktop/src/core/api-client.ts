import {
  MEDIA_MAX_BYTES,
  REFRESH_TOKEN_TRANSPORT_HEADER,
  withoutUnsafeNameCharacters,
  type AuthSession,
  type ChangePasswordBody,
  type DeleteAccountBody,
  type DeviceInfo,
  type MediaUploadAnswer,
  type Me,
  type PublicUser,
  type UserProfileAnswer,
  type TokenPair,
  type UpdateMeBody,
} from '@chitchat/shared';
import type { HostUpload } from './host';

/** Where the refresh token lives between runs (Electron: safeStorage; tests: memory or a file). */
export interface SecretStore {
  get(): Promise<string | null>;
  set(token: string | null): Promise<void>;
  /**
   * 'cookie' (the web app, DESIGN §11): the refresh token is an HttpOnly cookie the engine never
   * sees; the server is asked for cookie mode (`X-Refresh-Token-Transport: cookie`) and the store
   * keeps only COOKIE_SESSION, a marker that a session exists. Absent: the token itself is kept.
   */
  readonly transport?: 'cookie';
}

/** What a cookie-mode SecretStore holds while signed in: not a secret, only "a cookie was set". */
export const COOKIE_SESSION = 'cookie';

export function memorySecretStore(initial: string | null = null): SecretStore {
  let value = initial;
  return {
    async get() {
      return value;
    },
    async set(token) {
      value = token;
    },
  };
}

/** An error with the server's stable code, or `network` when the server could not be reached. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly status = 0,
  ) {
    super(message);
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Seconds before expiry at which an access token is refreshed ahead of time. */
const REFRESH_AHEAD_S = 60;

function expiryOf(accessToken: string): number | null {
  const payload = accessToken.split('.')[1];
  if (payload === undefined) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    const claims = JSON.parse(json) as {
      exp?: unknown;
    };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * REST access to one server with token management: the access token in memory, the refresh token
 * in the secret store, refreshed single-flight ahead of expiry and after an `unauthorized`. A refresh
 * whose response is lost is retried with the same token, which the server's grace window answers.
 */
export class ApiClient {
  private accessToken: string | null = null;
  private refreshing: Promise<string> | null = null;
  private readonly fetchImpl: FetchLike;
  private readonly uploadImpl: HostUpload | null;

  constructor(
    readonly serverUrl: string,
    private readonly secrets: SecretStore,
    options: {
      fetch?: FetchLike;
      /** The host's upload with progress (host.ts); default: fetch. */
      upload?: HostUpload;
      now?: () => number;
      onSignedOut?: (reason: string) => void;
    } = {},
  ) {
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.uploadImpl = options.upload ?? null;
    this.now = options.now ?? Date.now;
    this.onSignedOut = options.onSignedOut ?? (() => undefined);
  }

  private readonly now: () => number;
  /** Called when the server refuses the refresh token: the device was signed out. */
  onSignedOut: (reason: string) => void;

  /** Signs up and keeps the session's tokens. */
  async register(
    input: {
      username: string;
      password: string;
      displayName?: string;
      inviteCode?: string;
      device: { name: string; platform: string };
    },
    signal?: AbortSignal,
  ): Promise<AuthSession> {
    const session = await this.request<AuthSession>('POST', '/api/auth/register', input, {
      auth: false,
      ...(signal ? { signal } : {}),
    });
    await this.keep(this.checkSession(session));
    return session;
  }

  async login(
    input: {
      username: string;
      password: string;
      twoStepCode?: string;
      device: { name: string; platform: string };
    },
    signal?: AbortSignal,
  ): Promise<AuthSession> {
    const session = await this.request<AuthSession>('POST', '/api/auth/login', input, {
      auth: false,
      ...(signal ? { signal } : {}),
    });
    await this.keep(this.checkSession(session));
    return session;
  }

  /** Exchanges a single sign-on's one-time code (issue #18) and keeps the session's tokens. */
  async ssoExchange(
    input: { code: string; codeVerifier: string; device: { name: string; platform: string } },
    signal?: AbortSignal,
  ): Promise<AuthSession> {
    const session = await this.request<AuthSession>('POST', '/api/auth/oidc/exchange', input, {
      auth: false,
      ...(signal ? { signal } : {}),
    });
    await this.keep(this.checkSession(session));
    return session;
  }

  /** A 200 without tokens comes from some other web server that accepts any POST. */
  private checkSession(session: AuthSession | undefined): AuthSession {
    const refreshKept = this.byCookie || typeof session?.refreshToken === 'string';
    if (typeof session?.accessToken !== 'string' || !refreshKept)
      throw new ApiError('not_chitchat', `${this.serverUrl} is not a chitchat server.`, 200);
    return session;
  }

  async logout(): Promise<void> {
    try {
      await this.request('POST', '/api/auth/logout');
    } finally {
      await this.forget();
    }
  }

  /** Drops the tokens (signed out here, or the server revoked this device). */
  async forget(): Promise<void> {
    this.accessToken = null;
    await this.secrets.set(null);
  }

  async hasSession(): Promise<boolean> {
    return (await this.secrets.get()) !== null;
  }

  me(): Promise<Me> {
    return this.request<Me>('GET', '/api/me');
  }

  updateMe(body: UpdateMeBody): Promise<Me> {
    return this.request<Me>('PATCH', '/api/me', body);
  }

  /** `GET /api/users/:id`: a person as this account may see them, and the groups both are in. */
  userProfile(userId: string): Promise<UserProfileAnswer> {
    return this.request<UserProfileAnswer>('GET', `/api/users/${encodeURIComponent(userId)}`);
  }

  async searchUsers(q: string): Promise<PublicUser[]> {
    return (
      await this.request<{ users: PublicUser[] }>('GET', `/api/users?q=${encodeURIComponent(q)}`)
    ).users;
  }

  async devices(): Promise<DeviceInfo[]> {
    return (await this.request<{ devices: DeviceInfo[] }>('GET', '/api/devices')).devices;
  }

  async revokeDevice(id: string): Promise<void> {
    await this.request('DELETE', `/api/devices/${encodeURIComponent(id)}`);
  }

  async signOutOtherDevices(): Promise<number> {
    return (
      await this.request<{ devicesSignedOut: number }>('POST', '/api/devices/sign-out-others')
    ).devicesSignedOut;
  }

  /** Deletes the account (issue #15); the password confirms it. */
  async deleteAccount(body: DeleteAccountBody): Promise<void> {
    await this.request('DELETE', '/api/me', body);
  }

  async changePassword(body: ChangePasswordBody): Promise<number> {
    return (await this.request<{ devicesSignedOut: number }>('POST', '/api/me/password', body))
      .devicesSignedOut;
  }

  /**
   * Uploads a file as a streamed body, reporting progress as bytes leave. An `unauthorized` answer
   * (an access token that expired mid-upload) refreshes once and starts over.
   */
  async uploadMedia(
    bytes: Uint8Array,
    file: { name: string; mime: string },
    onProgress: (sent: number, total: number) => void = () => undefined,
  ): Promise<MediaUploadAnswer> {
    // Refused here, before a byte leaves: the server would refuse it anyway, after the wait.
    if (bytes.byteLength > MEDIA_MAX_BYTES) {
      throw new ApiError(
        'payload_too_large',
        `“${file.name}” is larger than ${MEDIA_MAX_BYTES / 1024 / 1024} MB, the most a file can be.`,
        413,
      );
    }
    let answer = await this.streamUpload(await this.currentAccessToken(), bytes, file, onProgress);
    if (answer.status === 401)
      answer = await this.streamUpload(await this.refresh(), bytes, file, onProgress);
    const parsed = safeJson(answer.body) as
      (MediaUploadAnswer & { error?: { code?: string; message?: string } }) | undefined;
    if (answer.status !== 201 || parsed === undefined) {
      throw new ApiError(
        parsed?.error?.code ?? 'internal',
        parsed?.error?.message ?? `HTTP ${answer.status}`,
        answer.status,
      );
    }
    return parsed;
  }

  private streamUpload(
    token: string,
    bytes: Uint8Array,
    file: { name: string; mime: string },
    onProgress: (sent: number, total: number) => void,
  ): Promise<{ status: number; body: string }> {
    const headers = {
      authorization: `Bearer ${token}`,
      'content-type': file.mime || 'application/octet-stream',
      // The server refuses names that break the shared name rule; a file's name on disk was
      // not chosen to impersonate anyone, so it goes cleaned rather than refused.
      'x-file-name': encodeURIComponent(withoutUnsafeNameCharacters(file.name)),
    };
    const url = `${this.serverUrl}/api/media`;
    return (this.uploadImpl ?? this.fetchUpload)(url, headers, bytes, onProgress).catch(
      (error: unknown) => {
        if (error instanceof ApiError) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw new ApiError('network', `The upload to ${this.serverUrl} failed (${reason}).`);
      },
    );
  }

  /** A host without its own upload (the browser): one fetch, progress at the start and the end. */
  private readonly fetchUpload: HostUpload = async (url, headers, bytes, onProgress) => {
    onProgress(0, bytes.byteLength);
    // A copy typed as the ArrayBuffer-backed view fetch takes.
    const copy = new Uint8Array(bytes);
    const response = await this.fetchImpl(url, { method: 'POST', headers, body: copy });
    const body = await response.text();
    onProgress(bytes.byteLength, bytes.byteLength);
    return { status: response.status, body };
  };

  /** The bytes of a media file (or its thumbnail), for members who may read it. */
  async downloadMedia(
    id: string,
    variant: 'original' | 'thumbnail',
    /** An invite link's code: its group's photo, shown in the join preview before joining. */
    invite?: string,
  ): Promise<{ bytes: Uint8Array; mime: string }> {
    const query = invite === undefined ? '' : `?invite=${encodeURIComponent(invite)}`;
    const route = `/api/media/${encodeURIComponent(id)}${variant === 'thumbnail' ? '/thumbnail' : ''}${query}`;
    const get = (token: string) =>
      this.fetchImpl(`${this.serverUrl}${route}`, {
        headers: { authorization: `Bearer ${token}` },
      }).catch((error: unknown) => {
        throw new ApiError(
          'network',
          `The server at ${this.serverUrl} could not be reached (${String(error)}).`,
        );
      });
    let response = await get(await this.currentAccessToken());
    if (response.status === 401) response = await get(await this.refresh());
    if (!response.ok) {
      const error = (
        safeJson(await response.text()) as
          { error?: { code?: string; message?: string } } | undefined
      )?.error;
      throw new ApiError(
        error?.code ?? 'not_found',
        error?.message ?? `HTTP ${response.status}`,
        response.status,
      );
    }
    return {
      bytes: new Uint8Array(await response.arrayBuffer()),
      mime: response.headers.get('content-type') ?? 'application/octet-stream',
    };
  }

  /** A valid access token, refreshed first when it is missing or about to expire. */
  async currentAccessToken(): Promise<string> {
    const token = this.accessToken;
    if (token !== null) {
      const expiry = expiryOf(token);
      if (expiry === null || expiry - this.now() > REFRESH_AHEAD_S * 1000) return token;
    }
    return this.refresh();
  }

  /** The access token as it is now, without refreshing (for the socket handshake callback). */
  peekAccessToken(): string | null {
    return this.accessToken;
  }

  /** The refresh token is the server's HttpOnly cookie (the web app), not the secret store's. */
  private get byCookie(): boolean {
    return this.secrets.transport === 'cookie';
  }

  /** Rotates the tokens; concurrent callers share one refresh. */
  refresh(): Promise<string> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<string> {
    const refreshToken = await this.secrets.get();
    if (refreshToken === null) throw new ApiError('unauthorized', 'Not signed in.');
    for (let attempt = 0; ; attempt++) {
      try {
        const pair = await this.request<TokenPair>(
          'POST',
          '/api/auth/refresh',
          this.byCookie ? {} : { refreshToken },
          { auth: false },
        );
        await this.secrets.set(this.byCookie ? COOKIE_SESSION : pair.refreshToken);
        this.accessToken = pair.accessToken;
        return pair.accessToken;
      } catch (error) {
        if (error instanceof ApiError && error.code === 'unauthorized') {
          await this.forget();
          this.onSignedOut('Your session ended; sign in again.');
          throw error;
        }
        // A lost response: the same token is answered with the same new pair within the grace window.
        if (error instanceof ApiError && error.code === 'network' && attempt < 3) continue;
        throw error;
      }
    }
  }

  private async keep(session: AuthSession): Promise<void> {
    this.accessToken = session.accessToken;
    await this.secrets.set(this.byCookie ? COOKIE_SESSION : session.refreshToken);
  }

  /** One JSON request; with auth, an `unauthorized` answer triggers one refresh and one retry. */
  async request<T = unknown>(
    method: string,
    route: string,
    body?: unknown,
    options: { auth?: boolean; signal?: AbortSignal } = {},
  ): Promise<T> {
    const auth = options.auth ?? true;
    const { signal } = options;
    const send = async (token: string | null) => {
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (token !== null) headers.authorization = `Bearer ${token}`;
      // Cookie mode: the server sets, reads and clears the refresh cookie on its auth routes.
      if (this.byCookie && route.startsWith('/api/auth/')) {
        headers[REFRESH_TOKEN_TRANSPORT_HEADER] = 'cookie';
      }
      let response: Response;
      try {
        response = await this.fetchImpl(`${this.serverUrl}${route}`, {
          method,
          headers,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        throw this.transportError(error, signal);
      }
      return response;
    };
    let response = await send(auth ? await this.currentAccessToken() : null);
    if (auth && response.status === 401) response = await send(await this.refresh());
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw this.transportError(error, signal);
    }
    const parsed: unknown = text === '' ? undefined : safeJson(text);
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      if (typeof error?.code !== 'string' && (response.status === 404 || response.status === 405)) {
        // Every chitchat route answers errors as `{ error: { code } }`; a bare 404 is another server.
        throw new ApiError(
          'not_chitchat',
          `${this.serverUrl} is not a chitchat server (HTTP ${response.status} for ${route}).`,
          response.status,
        );
      }
      throw new ApiError(
        error?.code ?? 'internal',
        error?.message ?? `HTTP ${response.status}`,
        response.status,
      );
    }
    return parsed as T;
  }

  /** A failed transport as a coded error: timed out and cancelled are told apart from unreachable. */
  private transportError(error: unknown, signal: AbortSignal | undefined): ApiError {
    if (signal?.aborted) {
      const reason: unknown = signal.reason;
      return reason instanceof Error && reason.name === 'TimeoutError'
        ? new ApiError('timeout', `The server at ${this.serverUrl} did not answer in time.`)
        : new ApiError('cancelled', 'Cancelled.');
    }
    return new ApiError(
      'network',
      `The server at ${this.serverUrl} could not be reached (${String(error)}).`,
    );
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
