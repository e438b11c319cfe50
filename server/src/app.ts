import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Server, type ServerOptions } from 'socket.io';
import { SOCKET_MAX_PAYLOAD_BYTES } from '@chitchat/shared';
import type { Config } from './config';
import type { Logger } from './logger';
import { authRouter, requireAuth } from './http/auth';
import { healthRouter, STORE_BLIP_TOLERANCE_MS, type ReadinessCheck } from './http/health';
import { clientAddress, expressTrustProxy } from './http/client-address';
import { createMetrics, createMetricsServer, refuseMetricsPath } from './http/metrics';
import { mediaRouter } from './http/media';
import { errorHandler, sendError } from './http/respond';
import { accountRouter } from './http/users';
import { adminRouter } from './http/admin';
import { twoStepRouter } from './http/two-step';
import { ssoRouter } from './http/sso';
import { createSsoService, ssoOptionsOf, type SsoService } from './services/sso';
import { pushRouter } from './http/push';
import { webAppRouter } from './http/web-app';
import { webPushEnabled } from './config';
import { createPushDelivery } from './services/push-delivery';
import { createWebPushService, type WebPushService } from './services/web-push';
import { TokenBuckets } from './services/token-bucket';
import { insidePeriods } from './services/access';
import webpush from 'web-push';
import { createTwoStepService } from './services/two-step';
import { createAdminService, type AdminService } from './services/admin';
import { coalesceWebsocketWrites } from './realtime/coalesce';
import { handshake } from './realtime/handshake';
import { socketFanout } from './realtime/fanout';
import {
  DRAIN_CLOSE_MS,
  DRAIN_REQUESTS_MS,
  trackConnections,
  trackRequests,
} from './realtime/drain';
import { attachGateway } from './realtime/gateway';
import { deviceRoom, type ChatServer } from './realtime/types';
import { memoryPresence } from './presence/memory/index';
import type { Presence } from './presence/types';
import { createAccountStateService } from './services/account-state';
import { createConversationsService } from './services/conversations';
import type { MediaService } from './services/media';
import { GroupReceipts } from './services/group-receipts';
import { MembershipCache } from './services/membership-cache';
import { createMessagingService, type AttachmentResolver } from './services/messaging';
import { createPinsService } from './services/pins';
import { createInviteLinksService, inviteLinkShowsPhoto } from './services/invite-links';
import { createReactionsService } from './services/reactions';
import { createVoiceService } from './services/voice';
import { createPollsService } from './services/polls';
import { createPresenceService } from './services/presence';
import { deviceRateLimits } from './services/device-limits';
import { createRequestsService } from './services/requests';
import { createAccountsService, type SessionListener } from './services/accounts';
import { createProfilesService } from './services/profiles';
import { createAccountDeletionService } from './services/account-deletion';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import {
  memoryAuthRateLimits,
  memorySearchRateLimit,
  type AuthRateLimits,
} from './services/rate-limits';
import { loadVapidKeys, type ServerKeys, type VapidKeys } from './services/secrets';
import type { Store } from './store/types';

/** A push request's bound, connecting and answering included. */
const PUSH_TIMEOUT_MS = 10_000;
/** How long a push service keeps an undelivered push: a day, then the chat has moved on. */
const PUSH_TTL_S = 24 * 3600;

export interface AppDeps {
  config: Config;
  store: Store;
  keys: ServerKeys;
  logger: Logger;
  /** Defaults to in-memory limiters sized by `RATE_LIMIT_AUTH`. */
  authLimits?: AuthRateLimits;
  /** Defaults to an in-memory limiter sized by `RATE_LIMIT_SEARCH`. */
  searchLimit?: RateLimiterAbstract;
  /** Defaults to in-memory presence (one node). */
  presence?: Presence;
  /**
   * The Socket.io adapter; defaults to the in-memory one (one node). With the Redis streams adapter
   * every broadcast reaches sockets on every server process.
   */
  adapter?: ServerOptions['adapter'];
  /** Resolves attachment ids of `message:send`; without media storage every id is refused. */
  attachments?: AttachmentResolver;
  /**
   * Uploads and downloads (`/api/media`), the attachment resolver (unless `attachments` is given),
   * and the periodic sweep of unreferenced uploads. Without it there are no media routes.
   */
  media?: MediaService;
  /** The shutdown drain's bounds (default DRAIN_REQUESTS_MS and DRAIN_CLOSE_MS). */
  drain?: { requestsMs?: number; closeMs?: number };
  /**
   * The VAPID key pair of Web Push (on with an https PUBLIC_URL); defaults to VAPID_PUBLIC_KEY and
   * VAPID_PRIVATE_KEY, else the pair kept in DATA_DIR (generated on first start).
   */
  vapidKeys?: VapidKeys;
  /** Extra readiness checks (Redis, ...); the store is always checked. */
  readinessChecks?: readonly ReadinessCheck[];
  now?: () => number;
}

export interface ChitchatApp {
  httpServer: HttpServer;
  io: ChatServer;
  /** Accounts and invites as admins manage them; main.ts serves it to `npm run admin`. */
  admin: AdminService;
  /** Single sign-on; `recentSsoSignIn` tells whether a device recently signed in through it. */
  sso: SsoService;
  /** Listens on `port`/`host` (default: the config's) and resolves with the bound port. */
  listen(port?: number, host?: string): Promise<number>;
  /**
   * Serves `/metrics` on its own listener (default: METRICS_PORT on METRICS_HOST) and resolves with
   * the bound port. The public port never serves it. Tests that build many apps leave it off.
   */
  listenMetrics(port?: number, host?: string): Promise<number>;
  /**
   * Resolves when no Web Push is being planned, queued or sent (each send is bounded by its
   * timeout): what the drain waits for, and what tests wait on before asserting "no push".
   */
  pushesSettled(): Promise<void>;
  /**
   * Drains: stops accepting, sends `server:draining` to this process's sockets, waits (bounded) for
   * requests in flight, closes the sockets, announces presence, and cuts what has not closed
   * within a second or so. Resolves when done; the store stays open. Calling it again waits for
   * the same drain.
   */
  close(): Promise<void>;
}

/** Builds the HTTP app and the Socket.io server from their parts; no globals, so tests build many. */
export function createApp(deps: AppDeps): ChitchatApp {
  const { config, store, logger } = deps;
  const metrics = createMetrics();
  const httpServer = createServer();
  let draining = false;
  const connections = trackConnections(httpServer);
  const io: ChatServer = new Server(httpServer, {
    maxHttpBufferSize: SOCKET_MAX_PAYLOAD_BYTES,
    serveClient: false,
    // While draining, a handshake on a kept-alive connection is refused at the transport, which
    // clients retry (elsewhere, behind a load balancer) like any failed connection.
    allowRequest: (_req, callback) => callback(draining ? 'server draining' : null, !draining),
    pingInterval: 20_000,
    pingTimeout: 20_000,
    ...(deps.adapter ? { adapter: deps.adapter } : {}),
  });

  const sessions: SessionListener = {
    deviceRevoked(deviceId, reason) {
      io.to(deviceRoom(deviceId)).emit('session:revoked', { reason });
      io.in(deviceRoom(deviceId)).disconnectSockets(true);
    },
  };

  const clock = deps.now ? { now: deps.now } : {};
  const authLimits = deps.authLimits ?? memoryAuthRateLimits(config.RATE_LIMIT_AUTH);
  const fanout = socketFanout(io);
  const twoStep = createTwoStepService({
    store,
    failures: authLimits.twoStepFailuresPerAccount,
    options: {
      requiredForAdmins: config.TOTP_REQUIRED_FOR_ADMINS,
      issuer:
        config.PUBLIC_URL === undefined
          ? 'chitchat'
          : `chitchat (${new URL(config.PUBLIC_URL).host})`,
    },
    ...clock,
  });
  const ssoOptions = ssoOptionsOf(config);
  const profiles = createProfilesService({
    store,
    fanout,
    ...(deps.media ? { photos: deps.media } : {}),
  });
  const accounts = createAccountsService({
    store,
    profiles,
    keys: deps.keys,
    limits: authLimits,
    twoStep,
    searchLimit: deps.searchLimit ?? memorySearchRateLimit(config.RATE_LIMIT_SEARCH),
    options: {
      registration: config.REGISTRATION,
      maxDevices: config.MAX_DEVICES,
      refreshGraceMs: config.REFRESH_GRACE_S * 1000,
      accessTokenTtlS: config.ACCESS_TOKEN_TTL_S,
      ...(ssoOptions === undefined ? {} : { ssoName: ssoOptions.name }),
      usernameQuarantineMs: config.USERNAME_QUARANTINE_DAYS * 24 * 3600 * 1000,
    },
    sessions,
    relationships: {
      blocked(userId, blockedIds) {
        fanout.stopWatching(userId, blockedIds);
      },
      // Requests arrive only after createApp returned, when `presence` below exists.
      audienceNarrowed: (userId) => presence.restrictWatchers(userId),
    },
    ...clock,
  });
  const sso = createSsoService({
    store,
    accounts,
    keys: deps.keys,
    limits: authLimits,
    registration: config.REGISTRATION,
    options: ssoOptions,
    logger,
    ...clock,
  });
  const admin = createAdminService({
    store,
    sessions,
    publicUrl: config.PUBLIC_URL,
    server: {
      registration: config.REGISTRATION,
      publicUrl: config.PUBLIC_URL ?? null,
      twoStepRequiredForAdmins: config.TOTP_REQUIRED_FOR_ADMINS,
    },
    twoStep,
    memberInvites: config.MEMBER_INVITES,
    ...clock,
  });

  // One resolution of the client's address (TRUST_PROXY) for HTTP and the Socket.io handshake.
  const addressOf = (request: IncomingMessage) => clientAddress(request, config.TRUST_PROXY);
  const app = express();
  app.disable('x-powered-by');
  // Keeps req.ip and req.protocol in line with addressOf for anything that reads them.
  app.set('trust proxy', expressTrustProxy(config.TRUST_PROXY));
  app.use(metrics.httpMiddleware);
  app.use(refuseMetricsPath);
  app.use(
    healthRouter({
      checks: [
        { name: 'store', check: () => store.ping(), toleranceMs: STORE_BLIP_TOLERANCE_MS },
        ...(deps.readinessChecks ?? []),
      ],
      logger,
    }),
  );
  // One copy of each conversation's members for the services (checked against membersVersion).
  const members = new MembershipCache(store);
  const presenceStore = deps.presence ?? memoryPresence();
  const push = createPush();
  const authenticated = requireAuth(accounts);
  // Before the JSON parser: an upload's body is raw bytes, streamed, never parsed.
  if (deps.media) {
    const photoReadable = (userId: string, mediaId: string) =>
      profiles.mayViewPhoto(userId, mediaId);
    const invitePhoto = (code: string, mediaId: string) =>
      inviteLinkShowsPhoto(store, code, mediaId, (deps.now ?? Date.now)());
    app.use('/api/media', authenticated, mediaRouter(deps.media, photoReadable, invitePhoto));
  }
  app.use('/api', express.json({ limit: '64kb' }));
  app.use('/api/auth', authRouter(accounts, authenticated, addressOf, config.PUBLIC_URL));
  app.use(
    '/api/auth',
    ssoRouter(
      sso,
      addressOf,
      logger,
      config.PUBLIC_URL?.startsWith('https://') === true,
      authenticated,
      config.PUBLIC_URL,
    ),
  );
  app.use('/api/me/two-step', authenticated, twoStepRouter(twoStep));
  app.use(
    '/api',
    authenticated,
    // `deletion` is made below with the conversations it leaves; requests come after createApp.
    accountRouter(accounts, profiles, addressOf, {
      deleteAccount: (...args) => deletion.deleteAccount(...args),
    }),
  );
  app.use('/api', authenticated, adminRouter(admin));
  app.use('/api/push', authenticated, pushRouter(push));
  app.use('/api', (_req, res) => {
    sendError(res, 404, { code: 'not_found', message: 'No such route.' });
  });
  app.use(webAppRouter(config.WEB_APP_DIR));
  app.use(errorHandler(logger));
  httpServer.on('request', app);

  const limits = deviceRateLimits(config, deps.now);
  const conversations = createConversationsService({
    store,
    fanout,
    members,
    limits,
    profiles,
    ...clock,
  });
  const groupReceipts = new GroupReceipts({ store, fanout, members, logger });
  const messaging = createMessagingService({
    store,
    fanout,
    members,
    limits,
    groupReceipts,
    attachments: deps.attachments ?? deps.media?.attachments,
    requestStateChanged: (conversationId, userIds) =>
      conversations.pushSummaries(conversationId, userIds),
    ...(push !== null ? { messageCommitted: (event) => push.messageCommitted(event) } : {}),
    ...clock,
  });
  const deletion = createAccountDeletionService({
    store,
    accounts,
    conversations,
    profiles,
    sessions,
    sso,
    ssoName: ssoOptions?.name,
    media: deps.media,
    joinRequestsWithdrawn: (records) => inviteLinks.withdrawn(records),
    ...clock,
  });
  const reactions = createReactionsService({ store, fanout, members, limits, ...clock });
  const pins = createPinsService({ store, fanout, members, limits, ...clock });
  const inviteLinks = createInviteLinksService({
    store,
    fanout,
    conversations,
    limits,
    ...(config.PUBLIC_URL !== undefined ? { publicUrl: config.PUBLIC_URL } : {}),
    ...clock,
  });
  const polls = createPollsService({ store, fanout, members, limits, ...clock });
  const messageRequests = createRequestsService({ store, fanout, conversations, ...clock });
  const accountState = createAccountStateService({
    store,
    fanout,
    limits,
    muteChanged: (userId, conversationId, muted) =>
      conversations.muteChanged(userId, conversationId, muted),
    ...clock,
  });
  const voice = createVoiceService({ store, fanout, limits, ...clock });
  const presence = createPresenceService({
    store,
    presence: presenceStore,
    fanout,
    logger,
    ...clock,
  });
  const requests = trackRequests(io);
  io.use(handshake(accounts, logger, addressOf));
  const stopMediaSweep = deps.media?.startSweeping();
  coalesceWebsocketWrites(io);
  attachGateway(io, {
    accountState,
    voice,
    conversations,
    inviteLinks,
    messaging,
    polls,
    presence,
    reactions,
    pins,
    requests: messageRequests,
    limits,
    logger,
    metrics,
  });

  let metricsServer: HttpServer | undefined;
  let closing: Promise<void> | undefined;
  return {
    httpServer,
    io,
    admin,
    sso,
    listen(port = config.PORT, host = config.HOST) {
      return listenOn(httpServer, port, host);
    },
    listenMetrics(port = config.METRICS_PORT, host = config.METRICS_HOST) {
      metricsServer ??= createMetricsServer(metrics.registry);
      return listenOn(metricsServer, port, host);
    },
    async pushesSettled() {
      await push?.settled();
    },
    close() {
      closing ??= drain();
      return closing;
    },
  };

  /**
   * The shutdown drain (DESIGN §10): stop accepting, tell clients to reconnect elsewhere, let the
   * requests in flight finish (their commits and acks), close the sockets, announce who went
   * offline, and cut whatever has not closed within DRAIN_CLOSE_MS, so that a frozen client never
   * holds a restart.
   */
  /**
   * Web Push (issue #17): on with an https PUBLIC_URL (its VAPID subject), else null and the push
   * routes answer 404. Liveness comes from presence (whole users, one read) and then the adapter
   * (the devices of users online somewhere), on every server process.
   */
  function createPush(): WebPushService | null {
    if (!webPushEnabled(config) || config.PUBLIC_URL === undefined) return null;
    const vapid =
      deps.vapidKeys ??
      loadVapidKeys(
        config.DATA_DIR,
        { publicKey: config.VAPID_PUBLIC_KEY, privateKey: config.VAPID_PRIVATE_KEY },
        () => webpush.generateVAPIDKeys(),
      );
    return createWebPushService({
      store,
      presence: presenceStore,
      async liveDevices(deviceIds) {
        const sockets = await io.in(deviceIds.map(deviceRoom)).fetchSockets();
        return new Set(sockets.map((socket) => socket.data.deviceId));
      },
      async readers(conversationId, seq) {
        const snapshot = await members.current(conversationId);
        return (snapshot?.members ?? [])
          .filter((member) => insidePeriods(member.periods, seq))
          .map((member) => member.userId);
      },
      delivery: createPushDelivery({
        vapid,
        subject: config.PUBLIC_URL,
        allowLoopback: config.WEB_PUSH_ALLOW_LOOPBACK,
        timeoutMs: PUSH_TIMEOUT_MS,
        ttlS: PUSH_TTL_S,
      }),
      publicKey: vapid.publicKey,
      allowLoopback: config.WEB_PUSH_ALLOW_LOOPBACK,
      limit: TokenBuckets.perPeriod(
        config.RATE_LIMIT_PUSH,
        60_000,
        config.RATE_LIMIT_PUSH,
        deps.now,
      ),
      logger,
      count: (outcome) => metrics.pushes.inc({ outcome }),
      ...clock,
    });
  }

  async function drain(): Promise<void> {
    const requestsMs = deps.drain?.requestsMs ?? DRAIN_REQUESTS_MS;
    const closeMs = deps.drain?.closeMs ?? DRAIN_CLOSE_MS;
    draining = true;
    // No new connections; kept-alive ones get no new handshake (allowRequest) and idle ones go.
    if (httpServer.listening) httpServer.close();
    httpServer.closeIdleConnections();
    // Only this process's sockets: with a cluster adapter, io.emit and io.disconnectSockets()
    // would reach every process's.
    io.local.emit('server:draining', {});
    await requests.settled(requestsMs);
    io.local.disconnectSockets(true);
    // Let the offline announcements of the sockets just closed go out while the adapter is open.
    await presence.settled();
    // Pending large-group receipts go out while the store and the adapter are still open.
    await groupReceipts.close();
    await stopMediaSweep?.();
    // Pushes of the last messages go out (each bounded by its timeout).
    await push?.settled();
    httpServer.closeIdleConnections();
    if (!(await connections.closedWithin(closeMs))) {
      logger.warn(
        { connections: connections.open() },
        'connections still open after the drain; cutting them',
      );
      connections.destroyAll();
    }
    await new Promise<void>((resolve) => {
      void io.close(() => resolve());
    });
    httpServer.closeAllConnections();
    const scraped = metricsServer;
    if (scraped?.listening) {
      const closed = new Promise<void>((resolve) => scraped.close(() => resolve()));
      // A scraper's keep-alive connection must not hold the shutdown.
      scraped.closeAllConnections();
      await closed;
    }
  }
}

function listenOn(server: HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
