/**
 * The preload of the app's window (sandboxed, context-isolated). It exposes exactly two objects:
 * `window.chitchatHost`, the chat contract of desktop/common as a `ChatHostBridge`, and
 * `window.chitchatShell`, the few shell signals of common/shell.ts. Neither hands the page
 * `ipcRenderer`, an IPC event or anything else of Electron: only plain data and these functions.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { DEFAULT_SERVER_SWITCH, IPC } from '../common/ipc';
import type { ChatHostBridge, RpcResult } from '../common/rpc';
import type { ChatShellBridge } from '../common/shell';

const chitchatHost: ChatHostBridge = {
  invoke: (method, args) =>
    ipcRenderer.invoke(
      IPC.chatInvoke,
      String(method),
      Array.isArray(args) ? args : [],
    ) as Promise<RpcResult>,
  subscribe(listener) {
    const onEvent = (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (typeof name === 'string') listener(name, payload);
    };
    ipcRenderer.on(IPC.chatEvent, onEvent);
    return () => {
      ipcRenderer.removeListener(IPC.chatEvent, onEvent);
    };
  },
};

const defaultServerArg = process.argv.find((arg) => arg.startsWith(DEFAULT_SERVER_SWITCH));

const chitchatShell: ChatShellBridge = {
  setActiveConversation(id) {
    ipcRenderer.send(IPC.setActiveConversation, typeof id === 'string' ? id : null);
  },
  onOpenConversation(listener) {
    const onOpen = (_event: IpcRendererEvent, id: unknown) => {
      if (typeof id === 'string') listener(id);
    };
    ipcRenderer.on(IPC.openConversation, onOpen);
    return () => {
      ipcRenderer.removeListener(IPC.openConversation, onOpen);
    };
  },
  onOpenInvite(listener) {
    const onOpen = (_event: IpcRendererEvent, code: unknown) => {
      if (typeof code === 'string') listener(code);
    };
    ipcRenderer.on(IPC.openInvite, onOpen);
    return () => {
      ipcRenderer.removeListener(IPC.openInvite, onOpen);
    };
  },
  openExternal(url) {
    ipcRenderer.send(IPC.openExternal, String(url));
  },
  platform: process.platform,
  defaultServerUrl:
    defaultServerArg === undefined ? null : defaultServerArg.slice(DEFAULT_SERVER_SWITCH.length),
};

contextBridge.exposeInMainWorld('chitchatHost', chitchatHost);
contextBridge.exposeInMainWorld('chitchatShell', chitchatShell);
