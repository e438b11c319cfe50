/**
 * The Electron main process: thin glue around the pure modules of this folder. It owns the window,
 * the tray and badge, notifications, the menu, the refresh token (safeStorage) and the engine's
 * utility process, and relays the chat contract between the window and the engine.
 *
 * Nothing here can run on the development machines (no Electron binary); every decision it makes
 * is delegated to a module that is unit-tested (see desktop/README.md, "Electron shell").
 */
import os from 'node:os';
import path from 'node:path';
import {
  BrowserWindow,
  Menu,
  Notification,
  Tray,
  app,
  dialog,
  ipcMain,
  nativeImage,
  nativeTheme,
  powerMonitor,
  protocol,
  safeStorage,
  screen,
  shell,
  utilityProcess,
  type IpcMainEvent,
  type IpcMainInvokeEvent,
  type NativeImage,
  type UtilityProcess,
  type WebContents,
} from 'electron';
import type { ChatEvents, ConnectionState, ConversationView } from '../common/contract';
import { DEFAULT_SERVER_SWITCH, IPC } from '../common/ipc';
import { chatApiFromHost, isChatMethod, type RpcPort, type RpcResult } from '../common/rpc';
import { badgeLabel, renderCountBadge, trayTooltip, unreadTotal, withUnreadDot } from './badge';
import { EngineRelay, restartDelay } from './engine-relay';
import { createFileLogger, type MainLogger } from './file-logger';
import { APP_ID, defaultServerUrl, rendererDevUrl } from './launch';
import { applicationMenu } from './menu';
import { hardenSessions, openExternal, serveRenderer } from './sessions';
import { INVITE_URL_SCHEME, InviteLinkRouter } from './invite-urls';
import { notificationFor } from '../common/notification-policy';
import { forNotificationServer } from './notification-server';
import { appTitle, profileFromArgv, profilePaths, type ProfilePaths } from './profile';
import { createTokenStore, type TokenCipher, type WeakProtection } from './secret-store';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_SCHEME,
  contentSecurityPolicy,
  httpOrigin,
  isTrustedSender,
} from './security';
import { loadShellState, saveShellState, type ShellState } from './shell-state';
import { MIN_WINDOW_SIZE, restoreWindowState } from './window-state';

// The bundles sit side by side in dist/main; the renderer is built to dist/renderer.
const mainDir = __dirname;
const rendererDir = path.join(mainDir, '..', 'renderer');
const assetsDir = path.join(mainDir, 'assets');

function fail(message: string): never {
  dialog.showErrorBox('chitchat cannot start', message);
  app.exit(2);
  return process.exit(2);
}

// ---------- before `ready`: profile, single-instance lock, privileged scheme ----------

const profileChoice = profileFromArgv(process.argv);
if (!profileChoice.ok) fail(profileChoice.error);
const paths: ProfilePaths = profilePaths(
  process.platform,
  app.getPath('appData'),
  profileChoice.profile,
);
const title = appTitle(paths.profile);
app.setName('chitchat');
app.setPath('userData', paths.userData);
app.setAppLogsPath(paths.logsDir);
if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
if (process.platform === 'linux') app.setDesktopName('chitchat.desktop');

const logger: MainLogger = createFileLogger(path.join(paths.logsDir, 'main.log'), {
  // eslint-disable-next-line no-console -- unpackaged runs show the log in the terminal
  ...(app.isPackaged ? {} : { echo: (line: string) => console.log(line) }),
});

// Invite codes wait here until the window's page can take them (sendToWindow is hoisted).
const invites = new InviteLinkRouter((code) => sendToWindow(IPC.openInvite, code));

// One instance per profile: the lock lives in the profile's userData, so `--profile work` runs
// beside the default profile, and a second start of the same profile focuses the first.
const primaryInstance = app.requestSingleInstanceLock({ profile: paths.profile });
if (!primaryInstance) {
  app.quit();
} else {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
  // Group invite links opened outside the app (chitchat://join/<code>, the server's /join/ URL).
  app.setAsDefaultProtocolClient(INVITE_URL_SCHEME);
  app.on('open-url', (event, url) => {
    event.preventDefault();
    if (invites.open(url) && app.isReady()) showWindow();
  });
  invites.openFromArgv(process.argv);
  app.on('second-instance', (_event, argv) => {
    invites.openFromArgv(argv);
    if (app.isReady()) showWindow();
  });
  app
    .whenReady()
    .then(onReady)
    .catch((error: unknown) => {
      logger.error('start-up failed', { error: String(error) });
      fail(`Start-up failed: ${String(error)}`);
    });
}

// ---------- state ----------

const devRendererUrl = rendererDevUrl(process.env, app.isPackaged);
const devOrigin = httpOrigin(devRendererUrl ?? undefined);
const trustedOrigins = devOrigin === null ? [APP_ORIGIN] : [APP_ORIGIN, devOrigin];
const csp = contentSecurityPolicy(devOrigin === null ? {} : { devServerOrigin: devOrigin });
const serverUrl = defaultServerUrl(process.argv, process.env);

let shellState: ShellState = loadShellState(paths.shellStateFile);
let mainWindow: BrowserWindow | null = null;
let tray: Tray | null = null;
let quitting = false;
let activeConversationId: string | null = null;
let conversations: ConversationView[] = [];
let connection: ConnectionState = 'offline';
let engineProcess: UtilityProcess | null = null;
const crashes: number[] = [];
/** Shown notifications, one per conversation (a reference keeps their click handler alive). */
const notifications = new Map<string, Notification>();

const tokenCipher: TokenCipher = {
  isAvailable: () => safeStorage.isAsyncEncryptionAvailable(),
  isPlainTextFallback: () =>
    process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text',
  encrypt: (plainText) => safeStorage.encryptStringAsync(plainText),
  decrypt: (encrypted) => safeStorage.decryptStringAsync(Buffer.from(encrypted)),
};

const relay = new EngineRelay({
  secrets: createTokenStore({
    file: paths.tokenFile,
    cipher: tokenCipher,
    logger,
    onWeakProtection: warnAboutTokenProtection,
  }),
  start: {
    profileDir: paths.engineDir,
    device: { name: os.hostname(), platform: process.platform },
    exportDir: app.getPath('downloads'),
  },
  logger,
  // Single sign-on: the engine's sign-in URL goes through the same link policy as any link.
  openBrowser: (url) => openExternal(url, logger),
  onState: (state, detail) => {
    logger.info('engine state', { state, message: detail.message ?? null });
    if (state === 'ready') void refreshAfterEngineStart();
  },
});
/** Main's own typed view of the engine (the window's calls go through `relay` as they come). */
const engine = chatApiFromHost(relay);

// ---------- ready ----------

async function onReady(): Promise<void> {
  logger.info('starting', {
    version: app.getVersion(),
    electron: process.versions.electron,
    profile: paths.profile,
    userData: paths.userData,
  });
  hardenSessions({ trustedOrigins, devOrigin, csp, logger });
  serveRenderer({ csp, rendererDir });
  registerIpc();
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      applicationMenu({
        platform: process.platform,
        packaged: app.isPackaged,
        actions: { showLogs: () => void shell.openPath(paths.logsDir) },
      }),
    ),
  );
  watchEngine();
  startEngine();
  createTray();
  createWindow();
  powerMonitor.on('resume', () => relay.resync());
  app.on('activate', () => showWindow());
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', (event) => {
    if (engineProcess === null) return;
    // Let the engine close its database and connection first, then quit for real.
    event.preventDefault();
    const child = engineProcess;
    engineProcess = null;
    void relay.stop().finally(() => {
      child.kill();
      app.quit();
    });
  });
}

// ---------- security ----------

function trustedSender(event: IpcMainEvent | IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  const trusted = isTrustedSender(
    {
      webContentsId: event.sender.id,
      frameUrl: frame?.url,
      isMainFrame: frame !== null && frame.parent === null,
    },
    { webContentsId: mainWindow?.webContents.id ?? null, origins: trustedOrigins },
  );
  if (!trusted) logger.warn('refused IPC from an untrusted sender', { url: frame?.url ?? null });
  return trusted;
}

function registerIpc(): void {
  ipcMain.handle(
    IPC.chatInvoke,
    async (event, method: unknown, args: unknown): Promise<RpcResult> => {
      if (!trustedSender(event))
        return { ok: false, error: { code: 'forbidden', message: 'Untrusted sender.' } };
      if (!isChatMethod(method) || !Array.isArray(args))
        return { ok: false, error: { code: 'invalid_payload', message: 'Unknown call.' } };
      return relay.invoke(method, args);
    },
  );
  ipcMain.on(IPC.setActiveConversation, (event, id: unknown) => {
    if (!trustedSender(event)) return;
    activeConversationId = typeof id === 'string' && id.length <= 100 ? id : null;
    if (activeConversationId !== null) {
      notifications.get(activeConversationId)?.close();
      notifications.delete(activeConversationId);
    }
  });
  ipcMain.on(IPC.openExternal, (event, url: unknown) => {
    if (trustedSender(event)) openExternal(url, logger);
  });
}

// ---------- the engine ----------

function startEngine(): void {
  const child = utilityProcess.fork(path.join(mainDir, 'engine-host.cjs'), [], {
    serviceName: 'chitchat engine',
    stdio: app.isPackaged ? 'ignore' : 'inherit',
  });
  engineProcess = child;
  const port: RpcPort = {
    postMessage: (message) => child.postMessage(message),
    onMessage: (listener) => {
      child.on('message', listener);
      return () => child.off('message', listener);
    },
  };
  child.once('spawn', () => relay.attach(port));
  child.once('exit', (code) => {
    relay.detach(`exit code ${code}`);
    if (engineProcess !== child) return; // stopped on purpose (quitting)
    engineProcess = null;
    logger.error('the engine stopped unexpectedly', { code });
    crashes.push(Date.now());
    const delay = restartDelay(crashes, Date.now());
    if (delay === null) {
      dialog.showErrorBox(
        'chitchat',
        `The chat engine keeps stopping, so chitchat cannot show or send messages. Restart chitchat; if this persists, the log files are in ${paths.logsDir}.`,
      );
      return;
    }
    setTimeout(() => {
      if (!quitting) startEngine();
    }, delay);
  });
}

let engineStarts = 0;

/**
 * After the engine starts: main reads the list for the badge. After a restart (the engine had
 * crashed), the window is also told to re-read everything, as events may have been lost meanwhile.
 */
async function refreshAfterEngineStart(): Promise<void> {
  const restarted = engineStarts++ > 0;
  try {
    const current = await engine.getSession();
    connection = await engine.getConnectionState();
    conversations = current.status === 'signed_in' ? await engine.listConversations() : [];
    if (restarted) {
      sendToWindow(IPC.chatEvent, 'session', current);
      sendToWindow(IPC.chatEvent, 'connection', connection);
      sendToWindow(IPC.chatEvent, 'conversations', conversations);
    }
    updateBadge();
  } catch (error) {
    logger.warn('could not refresh after the engine started', { error: String(error) });
  }
}

/** Main's own use of the engine's events; the window gets them all, unchanged, beside this. */
function watchEngine(): void {
  relay.subscribe((name, payload) => sendToWindow(IPC.chatEvent, name, payload));
  engine.on('conversations', (list) => {
    conversations = list;
    updateBadge();
  });
  engine.on('connection', (state) => {
    connection = state;
    updateBadge();
  });
  engine.on('session', (state) => {
    if (state.status === 'signed_out') {
      conversations = [];
      updateBadge();
    }
  });
  engine.on('incoming', notify);
}

// ---------- window ----------

function sendToWindow(channel: string, ...args: unknown[]): void {
  const contents: WebContents | undefined = mainWindow?.webContents;
  if (contents !== undefined && !contents.isDestroyed()) contents.send(channel, ...args);
}

function createWindow(): void {
  const restored = restoreWindowState(
    shellState.window,
    screen.getAllDisplays().map((display) => display.workArea),
    screen.getPrimaryDisplay().workArea,
  );
  const win = new BrowserWindow({
    ...restored.bounds,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title,
    show: false,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#111b21' : '#ffffff',
    ...(process.platform === 'linux' ? { icon: appIcon() } : {}),
    webPreferences: {
      preload: path.join(mainDir, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: true,
      additionalArguments: serverUrl === null ? [] : [`${DEFAULT_SERVER_SWITCH}${serverUrl}`],
    },
  });
  mainWindow = win;
  if (restored.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  // The page sets its own title per conversation; keep the app's (and profile's) name.
  win.on('page-title-updated', (event) => event.preventDefault());
  win.on('focus', () => {
    win.flashFrame(false);
    relay.resync();
  });

  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const rememberBounds = () => {
    if (win.isDestroyed() || win.isFullScreen() || win.isMinimized()) return;
    shellState = {
      ...shellState,
      window: { bounds: win.getNormalBounds(), maximized: win.isMaximized() },
    };
  };
  const scheduleSave = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      rememberBounds();
      saveShellState(paths.shellStateFile, shellState);
    }, 500);
  };
  win.on('resize', scheduleSave);
  win.on('move', scheduleSave);
  win.on('maximize', scheduleSave);
  win.on('unmaximize', scheduleSave);
  win.on('close', (event) => {
    clearTimeout(saveTimer);
    rememberBounds();
    saveShellState(paths.shellStateFile, shellState);
    // Closing the window keeps the app running (notifications, badge) where the platform has a
    // dependable way back: the Dock on macOS, the tray on Windows. Linux desktops may have no
    // tray at all, so there closing the window quits.
    if (!quitting && process.platform !== 'linux') {
      event.preventDefault();
      win.hide();
    }
  });
  // Invite links wait for the page (a first start, a reload) and go to it once it has loaded.
  win.webContents.on('did-start-loading', () => invites.windowGone());
  win.webContents.on('did-finish-load', () => invites.windowReady());
  win.on('closed', () => {
    invites.windowGone();
    mainWindow = null;
    if (process.platform === 'linux') app.quit();
  });

  shownBadge = null; // the taskbar overlay belongs to the window: draw it afresh
  updateBadge();
  void win.loadURL(devRendererUrl ?? APP_ENTRY_URL);
}

function showWindow(): void {
  if (mainWindow === null) {
    createWindow();
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

// ---------- notifications ----------

let appIconImage: NativeImage | null = null;
/** The app's icon as an image (read from the asar by Electron; a path would not do for toasts). */
function appIcon(): NativeImage {
  appIconImage ??= nativeImage.createFromPath(path.join(assetsDir, 'icon.png'));
  return appIconImage;
}

/** The chat's photo from the engine's media cache, else the app's icon. */
function notificationIcon(file: string | undefined): NativeImage {
  const photo = file === undefined ? null : nativeImage.createFromPath(file);
  return photo === null || photo.isEmpty() ? appIcon() : photo;
}

function notify(incoming: ChatEvents['incoming']): void {
  const content = notificationFor(
    incoming,
    { windowFocused: mainWindow?.isFocused() === true, activeConversationId },
    conversations.find((c) => c.id === incoming.conversationId),
  );
  if (content === null || !Notification.isSupported()) return;
  notifications.get(content.conversationId)?.close();
  const notification = new Notification({
    ...forNotificationServer(content, process.platform),
    ...(process.platform === 'darwin' ? {} : { icon: notificationIcon(incoming.iconFile) }),
  });
  notification.on('click', () => {
    showWindow();
    sendToWindow(IPC.openConversation, content.conversationId);
  });
  notification.on('close', () => {
    if (notifications.get(content.conversationId) === notification)
      notifications.delete(content.conversationId);
  });
  notifications.set(content.conversationId, notification);
  notification.show();
  if (mainWindow !== null && !mainWindow.isFocused() && process.platform !== 'darwin')
    mainWindow.flashFrame(true);
}

// ---------- tray and badge ----------

let trayImage: NativeImage | null = null;
let trayUnreadImage: NativeImage | null = null;

function createTray(): void {
  const mac = process.platform === 'darwin';
  trayImage = nativeImage.createFromPath(
    path.join(assetsDir, mac ? 'trayTemplate.png' : 'tray.png'),
  );
  if (mac) trayImage.setTemplateImage(true);
  else {
    const size = trayImage.getSize();
    const dotted = withUnreadDot({ ...size, data: trayImage.toBitmap() });
    trayUnreadImage = nativeImage.createFromBitmap(Buffer.from(dotted.data), size);
  }
  tray = new Tray(trayImage);
  tray.on('click', () => {
    if (mainWindow?.isVisible() === true && mainWindow.isFocused()) mainWindow.hide();
    else showWindow();
  });
  updateBadge();
}

let shownBadge: { unread: number; tooltip: string } | null = null;

function updateBadge(): void {
  const unread = unreadTotal(conversations);
  const tooltip = trayTooltip({ title, unread, connection });
  // The list changes with every typing indicator; the badge only when these two do.
  if (shownBadge?.unread === unread && shownBadge.tooltip === tooltip) return;
  shownBadge = { unread, tooltip };
  const label = badgeLabel(unread);
  if (process.platform === 'darwin') app.dock?.setBadge(label);
  else if (process.platform === 'linux') app.setBadgeCount(unread);
  else if (mainWindow !== null) {
    const badge = renderCountBadge(label, 32, { square: true });
    mainWindow.setOverlayIcon(
      unread === 0
        ? null
        : nativeImage.createFromBitmap(Buffer.from(badge.data), {
            width: badge.width,
            height: badge.height,
            scaleFactor: 2,
          }),
      unread === 0 ? '' : tooltip,
    );
  }
  if (tray === null) return;
  tray.setToolTip(tooltip);
  if (process.platform === 'darwin') tray.setTitle(label);
  else if (trayImage !== null)
    tray.setImage(unread > 0 && trayUnreadImage !== null ? trayUnreadImage : trayImage);
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: `Open ${title}`, click: () => showWindow() },
      { label: tooltip.slice(title.length + 2), enabled: false },
      { type: 'separator' },
      { role: 'quit' },
    ]),
  );
}

// ---------- warnings ----------

function warnAboutTokenProtection(kind: WeakProtection, message: string): void {
  if (shellState.warned.includes(kind)) return;
  shellState = { ...shellState, warned: [...shellState.warned, kind] };
  saveShellState(paths.shellStateFile, shellState);
  const options = {
    type: 'warning' as const,
    title,
    message: 'Your sign-in is not stored securely',
    detail: message,
    buttons: ['OK'],
  };
  void (mainWindow === null
    ? dialog.showMessageBox(options)
    : dialog.showMessageBox(mainWindow, options));
}
