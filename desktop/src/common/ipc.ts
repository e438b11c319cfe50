/**
 * The Electron IPC channels between the preload and main. Only these exist; main validates the
 * sender of every one (desktop/src/main/security.ts). The renderer never sees them: it uses the
 * bridges of shell.ts.
 */
export const IPC = {
  /** renderer -> main (invoke): one contract call `(method, args)`, answered with an `RpcResult`. */
  chatInvoke: 'chat:invoke',
  /** main -> renderer: one contract event `(name, payload)`. */
  chatEvent: 'chat:event',
  /** renderer -> main: the conversation on screen `(id | null)`. */
  setActiveConversation: 'shell:set-active-conversation',
  /** renderer -> main: open a link in the system browser `(url)`, through the allow-list. */
  openExternal: 'shell:open-external',
  /** main -> renderer: open this conversation `(id)` (a notification was clicked). */
  openConversation: 'shell:open-conversation',
  /** main -> renderer: open the join preview of this invite code (a chitchat:// or /join/ link). */
  openInvite: 'shell:open-invite',
} as const;

/** The switch main adds to the renderer's command line for `ChatShellBridge.defaultServerUrl`. */
export const DEFAULT_SERVER_SWITCH = '--chitchat-default-server=';
