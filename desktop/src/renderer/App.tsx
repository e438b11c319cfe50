import { useEffect } from 'react';
import { AuthScreen } from './components/Auth';
import { AvatarMediaContext } from './components/avatarMedia';
import { ChatPane } from './components/chat/ChatPane';
import { EmptyChat } from './components/chat/EmptyChat';
import { PanelHost } from './components/panels/PanelHost';
import { Sidebar } from './components/sidebar/Sidebar';
import { useAppState, type AppStore } from './state/store';

export function App({ store }: { store: AppStore }) {
  const session = useAppState(store, (s) => s.session);
  const activeId = useAppState(store, (s) => s.activeId);
  useKeyboardShortcuts(store);

  useEffect(() => window.chitchatShell?.onOpenConversation((id) => store.open(id)), [store]);
  // A chitchat:// (or server /join/) link opened outside the app: its join preview.
  useEffect(
    () =>
      window.chitchatShell?.onOpenInvite?.((code) =>
        store.set({ panel: { kind: 'join', link: code } }),
      ),
    [store],
  );

  // Back from the provider in the web app to prove it is them (deleting the account): the chat
  // that was open and the settings open again, where DeleteAccount continues.
  const signedIn = session?.status === 'signed_in';
  useEffect(() => {
    const back = signedIn ? (window.chitchatShell?.ssoRedirect?.peek() ?? null) : null;
    if (back?.purpose !== 'reauthenticate') return;
    if (back.returnTo !== undefined) store.open(back.returnTo);
    store.set({ panel: { kind: 'settings' } });
  }, [store, signedIn]);

  if (session === null) return <div className="splash" aria-busy="true" />;
  if (session.status === 'signed_out') return <AuthScreen store={store} reason={session.reason} />;
  return (
    <AvatarMediaContext.Provider value={store}>
      <div className="layout">
        <Sidebar store={store} />
        <main className="chat-area" aria-label="Conversation">
          {activeId ? (
            <ChatPane key={activeId} store={store} conversationId={activeId} />
          ) : (
            <EmptyChat />
          )}
        </main>
        <PanelHost store={store} />
      </div>
    </AvatarMediaContext.Provider>
  );
}

/** Whether a chat is open and the focus is not in the chat list's side (nor in a panel). */
function inOpenChat(activeId: string | null): boolean {
  if (activeId === null) return false;
  const focused = document.activeElement;
  return !(focused?.closest('.sidebar, [role="dialog"]') ?? null);
}

/** Ctrl/Cmd+N new chat, Ctrl/Cmd+F or K search, Alt+Up/Down previous/next conversation, Escape. */
function useKeyboardShortcuts(store: AppStore) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      const state = store.snapshot;
      if (state.session?.status !== 'signed_in') return;
      if (mod && event.key.toLowerCase() === 'n') {
        event.preventDefault();
        store.set({ panel: { kind: 'new-chat' } });
      } else if (mod && event.key.toLowerCase() === 'f' && inOpenChat(state.activeId)) {
        // Inside a chat, Ctrl/Cmd+F searches that chat; on the list, every chat (issue #16).
        event.preventDefault();
        store.set({ chatSearch: state.activeId });
        document.querySelector<HTMLInputElement>('.chat-search input')?.focus();
      } else if (mod && (event.key.toLowerCase() === 'f' || event.key.toLowerCase() === 'k')) {
        event.preventDefault();
        document.getElementById('sidebar-search')?.focus();
      } else if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
        event.preventDefault();
        const ids = state.conversations.map((c) => c.id);
        const index = state.activeId ? ids.indexOf(state.activeId) : -1;
        const next =
          ids[Math.max(0, Math.min(ids.length - 1, index + (event.key === 'ArrowUp' ? -1 : 1)))];
        if (next) store.open(next);
      } else if (
        event.key === 'Escape' &&
        state.panel &&
        // A photo open over a panel (the gallery's) closes first; its own handler does that.
        document.querySelector('.viewer') === null
      ) {
        store.set({ panel: null });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}
