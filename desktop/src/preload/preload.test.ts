import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SERVER_SWITCH, IPC } from '../common/ipc';
import type { ChatHostBridge } from '../common/rpc';
import type { ChatShellBridge } from '../common/shell';

/**
 * Electron's preload modules cannot run here: this stand-in records what the preload exposes and
 * plays ipcRenderer (invoke answers, events from main with an event object first, as Electron
 * sends them).
 */
const electronMockForPreload = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  const sent: unknown[][] = [];
  const invoked: unknown[][] = [];
  return {
    exposed,
    sent,
    invoked,
    emitFromMain(channel: string, ...args: unknown[]) {
      const event = { sender: { send: () => undefined }, ports: [] };
      for (const listener of listeners.get(channel) ?? []) listener(event, ...args);
    },
    listenerCount: (channel: string) => listeners.get(channel)?.size ?? 0,
    module: {
      contextBridge: {
        exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api),
      },
      ipcRenderer: {
        invoke: async (...args: unknown[]) => {
          invoked.push(args);
          return { ok: true, value: 'answer' };
        },
        send: (...args: unknown[]) => sent.push(args),
        on(channel: string, listener: (event: unknown, ...args: unknown[]) => void) {
          const set = listeners.get(channel) ?? new Set();
          set.add(listener);
          listeners.set(channel, set);
        },
        removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void) {
          listeners.get(channel)?.delete(listener);
        },
      },
    },
  };
});

vi.mock('electron', () => electronMockForPreload.module);

const originalArgv = process.argv;

async function loadPreload(argv: string[] = []) {
  electronMockForPreload.exposed.clear();
  process.argv = [...originalArgv, ...argv];
  vi.resetModules();
  await import('./preload');
  return {
    host: electronMockForPreload.exposed.get('chitchatHost') as ChatHostBridge,
    shell: electronMockForPreload.exposed.get('chitchatShell') as ChatShellBridge,
  };
}

describe('the preload', () => {
  beforeEach(() => {
    electronMockForPreload.sent.length = 0;
    electronMockForPreload.invoked.length = 0;
  });
  afterEach(() => {
    process.argv = originalArgv;
  });

  it('exposes exactly the contract bridge and the shell bridge, nothing else', async () => {
    const { host, shell } = await loadPreload();
    expect([...electronMockForPreload.exposed.keys()].sort()).toEqual([
      'chitchatHost',
      'chitchatShell',
    ]);
    expect(Object.keys(host).sort()).toEqual(['invoke', 'subscribe']);
    expect(Object.keys(shell).sort()).toEqual([
      'defaultServerUrl',
      'onOpenConversation',
      'onOpenInvite',
      'openExternal',
      'platform',
      'setActiveConversation',
    ]);
    expect(shell.platform).toBe(process.platform);
  });

  it('carries contract calls over chat:invoke and answers with main’s result', async () => {
    const { host } = await loadPreload();
    expect(await host.invoke('getSession', [])).toEqual({ ok: true, value: 'answer' });
    expect(electronMockForPreload.invoked).toEqual([[IPC.chatInvoke, 'getSession', []]]);
  });

  it('hands the page event names and payloads only, never the IPC event, and unsubscribes', async () => {
    const { host } = await loadPreload();
    const received: unknown[][] = [];
    const off = host.subscribe((...args) => received.push(args));
    electronMockForPreload.emitFromMain(IPC.chatEvent, 'connection', 'online');
    electronMockForPreload.emitFromMain(IPC.chatEvent, 42, 'not an event name');
    expect(received).toEqual([['connection', 'online']]);
    off();
    expect(electronMockForPreload.listenerCount(IPC.chatEvent)).toBe(0);
  });

  it('sends the shell signals main expects, as plain strings', async () => {
    const { shell } = await loadPreload();
    shell.setActiveConversation('c1');
    shell.setActiveConversation({ evil: true } as unknown as string);
    shell.openExternal('https://example.com/');
    expect(electronMockForPreload.sent).toEqual([
      [IPC.setActiveConversation, 'c1'],
      [IPC.setActiveConversation, null],
      [IPC.openExternal, 'https://example.com/'],
    ]);
    const opened: string[] = [];
    const off = shell.onOpenConversation((id) => opened.push(id));
    electronMockForPreload.emitFromMain(IPC.openConversation, 'c7');
    electronMockForPreload.emitFromMain(IPC.openConversation, { id: 'c8' });
    expect(opened).toEqual(['c7']);
    off();
    expect(electronMockForPreload.listenerCount(IPC.openConversation)).toBe(0);
    // An invite link opened outside the app: its code, as a plain string only.
    const invites: string[] = [];
    const offInvite = shell.onOpenInvite?.((code) => invites.push(code));
    electronMockForPreload.emitFromMain(IPC.openInvite, 'AbCdEfGhIjKlMnOpQrStUv');
    electronMockForPreload.emitFromMain(IPC.openInvite, { code: 'x' });
    expect(invites).toEqual(['AbCdEfGhIjKlMnOpQrStUv']);
    offInvite?.();
    expect(electronMockForPreload.listenerCount(IPC.openInvite)).toBe(0);
  });

  it('passes on the server main was started against, for the sign-in form', async () => {
    expect((await loadPreload()).shell.defaultServerUrl).toBeNull();
    const { shell } = await loadPreload([`${DEFAULT_SERVER_SWITCH}http://127.0.0.1:3000`]);
    expect(shell.defaultServerUrl).toBe('http://127.0.0.1:3000');
  });
});
