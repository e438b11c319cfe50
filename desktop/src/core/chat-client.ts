import type {
  GroupInvitation,
  PresenceInfo,
  ConversationEvent,
  MuteChoice,
} from '@chitchat/shared';
import { MUTE_ALWAYS } from '@chitchat/shared';
import type {
  ChatApi,
  ConversationView,
  GroupChangeInput,
  LinkPreviewDraft,
  MediaBytes,
  MemberView,
  MessageInfo,
  OutgoingFile,
  MessagePage,
  MessageView,
  PollDraft,
  Preferences,
  VoiceNoteDraft,
  SearchHit,
  SearchOptions,
  ChatMediaTab,
  IndexingState,
  PinnedMessage,
  StarredMessage,
} from '../common/contract';
import * as account from './account-actions';
import * as chatList from './chat-list-actions';
import * as invites from './invite-links';
import { ChatClientError, remote } from './client-errors';
import type { ClientContext } from './client-parts';
import * as conversations from './conversation-actions';
import * as groups from './group-actions';
import { forwardMessages } from './forwarding';
import * as polls from './poll-actions';
import type { LinkPreviewMaker } from './link-preview/link-preview-maker';
import { listMembers } from './mentions';
import * as pins from './pins';
import * as search from './search/search-actions';
import * as messages from './message-actions';
import { DEFAULT_PAGE } from './message-actions';
import * as voice from './voice-actions';

import { SessionClient } from './session-client';

export { accountDatabasePath, normalizeServerUrl } from './account-paths';
export { ChatClientError } from './client-errors';

export { SIGN_IN_TIMEOUT_MS, type ChatClientOptions } from './session-client';

/** The local meta key of the link-previews preference ('off' when turned off). */
const LINK_PREVIEWS_PREF = 'pref:link_previews';

/**
 * The whole client minus the screen: sign-in, the local cache, sync and the outbox behind the typed
 * contract of `desktop/common`. Runs in plain Node (tests, benchmarks, an Electron utility process).
 * The session and the account are in ./session-client.ts; the chats are here.
 */
export class ChatClient extends SessionClient implements ChatApi {
  private linkPreviews: LinkPreviewMaker | null = null;
  /** Pinned messages older than the loaded history, read once from the server for the bar. */
  private readonly pinPreviews = new Map<string, ConversationEvent>();

  protected override close(): void {
    this.pinPreviews.clear();
    super.close();
  }

  // ---------- conversations and messages ----------

  async listConversations(): Promise<ConversationView[]> {
    return this.ready().list.list();
  }

  private conversationView(conversationId: string): ConversationView {
    const view = this.ready().list.view(conversationId);
    if (view === null) throw new ChatClientError('not_found', 'No such conversation.');
    return view;
  }

  /** The signed-in parts with what the area modules may tell the screen. */
  private context(): ClientContext {
    return {
      ...this.ready(),
      listChanged: () => this.ready().scheduleListChange(),
      messagesChanged: (conversationId) => this.events.emit('messages', { conversationId }),
      conversationView: (conversationId) => this.conversationView(conversationId),
    };
  }

  async openConversation(conversationId: string, limit = DEFAULT_PAGE): Promise<MessagePage> {
    return messages.openConversation(this.ready(), conversationId, limit);
  }

  async loadOlder(
    conversationId: string,
    beforeSeq: number,
    limit = DEFAULT_PAGE,
  ): Promise<MessagePage> {
    return messages.loadOlder(this.ready(), conversationId, beforeSeq, limit);
  }

  async sendMessage(input: {
    conversationId: string;
    text: string;
    replyToSeq?: number;
    replyToKey?: string;
    files?: OutgoingFile[];
    linkPreview?: LinkPreviewDraft;
    mentions?: string[];
    key?: string;
  }): Promise<MessageView> {
    return messages.sendMessage(this.context(), this.outboxFilesDir, input);
  }

  async listMembers(conversationId: string): Promise<MemberView[]> {
    return listMembers(this.ready(), conversationId);
  }

  async previewLink(url: string): Promise<LinkPreviewDraft | null> {
    if (!(await this.getPreferences()).linkPreviews) return null;
    this.linkPreviews ??= this.options.linkPreviews ?? this.platform.linkPreviews?.() ?? null;
    // A host that makes no previews (the web app): the message goes without one.
    return this.linkPreviews === null ? null : this.linkPreviews.preview(url);
  }

  async forwardMessages(input: {
    conversationId: string;
    seqs: number[];
    to: string[];
  }): Promise<void> {
    forwardMessages(this.context(), input);
  }

  async sendPoll(input: { conversationId: string; poll: PollDraft }): Promise<MessageView> {
    return polls.sendPoll(this.context(), input);
  }

  async votePoll(input: {
    conversationId: string;
    seq: number | null;
    key: string;
    options: number[];
  }): Promise<void> {
    polls.votePoll(this.context(), input);
  }

  async sendVoiceNote(input: {
    conversationId: string;
    voice: VoiceNoteDraft;
  }): Promise<MessageView> {
    return voice.sendVoiceNote(this.context(), this.outboxFilesDir, input);
  }

  async markPlayed(input: { conversationId: string; seq: number }): Promise<void> {
    voice.markPlayed(this.context(), input);
  }

  async getPreferences(): Promise<Preferences> {
    return { linkPreviews: this.current?.store.getMeta(LINK_PREVIEWS_PREF) !== 'off' };
  }

  async setPreferences(input: Partial<Preferences>): Promise<Preferences> {
    const { store } = this.ready();
    if (input.linkPreviews !== undefined) {
      store.setMeta(LINK_PREVIEWS_PREF, input.linkPreviews ? null : 'off');
    }
    return this.getPreferences();
  }

  async messageInfo(input: { conversationId: string; seq: number }): Promise<MessageInfo> {
    return messages.messageInfo(this.ready(), input);
  }

  async getMedia(input: {
    mediaId: string;
    variant: 'original' | 'thumbnail';
    invite?: string;
  }): Promise<MediaBytes> {
    return messages.getMedia(this.ready(), input);
  }

  async editMessage(input: {
    conversationId: string;
    seq?: number;
    key?: string;
    text: string;
  }): Promise<void> {
    messages.editMessage(this.context(), input);
  }

  async deleteMessage(input: { conversationId: string; seq: number }): Promise<void> {
    messages.deleteMessage(this.ready(), input);
  }

  async reactToMessage(input: {
    conversationId: string;
    seq?: number;
    key?: string;
    emoji: string | null;
  }): Promise<void> {
    messages.reactToMessage(this.context(), input);
  }

  async setStarred(input: {
    conversationId: string;
    seq: number;
    starred: boolean;
  }): Promise<void> {
    account.setStarred(this.context(), input);
  }

  async deleteForMe(input: { conversationId: string; seqs: number[] }): Promise<void> {
    account.deleteForMe(this.context(), input);
  }

  async listStarred(): Promise<StarredMessage[]> {
    return account.listStarred(this.ready());
  }

  async pinMessage(input: { conversationId: string; seq: number; pinned: boolean }): Promise<void> {
    pins.pinMessage(this.context(), input);
  }

  async listPins(conversationId: string): Promise<PinnedMessage[]> {
    return pins.listPins(this.ready(), this.pinPreviews, conversationId);
  }

  async retryMessage(key: string): Promise<void> {
    messages.retryMessage(this.context(), key);
  }

  async discardMessage(key: string): Promise<void> {
    messages.discardMessage(this.context(), key);
  }

  async markRead(conversationId: string): Promise<void> {
    chatList.clearUnreadMark(this.context(), conversationId);
    await this.ready().engine.markRead(conversationId);
  }

  async setTyping(conversationId: string, typing: boolean): Promise<void> {
    this.ready().engine.setTyping(conversationId, typing);
  }

  async setDraft(conversationId: string, text: string): Promise<void> {
    const session = this.ready();
    // Unchanged text (the composer saving what it was shown) sends nothing.
    if (session.list.view(conversationId)?.draft === text) return;
    session.store.setDraft(conversationId, text);
    session.scheduleListChange();
    session.drafts.typed();
  }

  async watchPresence(userIds: string[]): Promise<PresenceInfo[]> {
    const { engine } = this.ready();
    return remote(() => engine.watchPresence(userIds));
  }

  // ---------- conversations: direct chats, groups, requests, invitations ----------

  async startDirectChat(userId: string): Promise<ConversationView> {
    return conversations.startDirectChat(this.context(), userId);
  }

  async createGroup(input: { title: string; memberIds: string[] }): Promise<ConversationView> {
    return conversations.createGroup(this.context(), input);
  }

  // Groups (issue #15): ./group-actions.ts.
  setGroupPhoto = (
    conversationId: string,
    photo: { bytes: Uint8Array; mime: string } | null,
  ): Promise<void> => groups.setGroupPhoto(this.context(), conversationId, photo);

  async updateGroup(input: GroupChangeInput): Promise<ConversationView> {
    return conversations.updateGroup(this.context(), input);
  }

  async leaveGroup(conversationId: string): Promise<void> {
    await conversations.leaveGroup(this.ready(), conversationId);
  }

  async setMuted(conversationId: string, muted: boolean): Promise<void> {
    chatList.setMute(this.context(), conversationId, muted ? MUTE_ALWAYS : null);
  }

  async setChatPinned(conversationId: string, pinned: boolean): Promise<void> {
    chatList.setPinned(this.context(), conversationId, pinned);
  }

  async deleteGroupForMe(conversationId: string): Promise<void> {
    chatList.deleteGroupForMe(this.context(), conversationId);
  }

  async setChatArchived(conversationId: string, archived: boolean): Promise<void> {
    chatList.setArchived(this.context(), conversationId, archived);
  }

  async setChatUnread(conversationId: string, unread: boolean): Promise<void> {
    chatList.setMarkedUnread(this.context(), conversationId, unread);
  }

  async setChatMute(conversationId: string, mute: MuteChoice | null): Promise<void> {
    chatList.setMute(this.context(), conversationId, mute);
  }

  async acceptRequest(conversationId: string): Promise<ConversationView> {
    return conversations.acceptRequest(this.context(), conversationId);
  }

  async deleteRequest(conversationId: string): Promise<void> {
    await conversations.deleteRequest(this.context(), conversationId);
  }

  async listInvitations(): Promise<GroupInvitation[]> {
    const { engine } = this.ready();
    return (await remote(() => engine.call('invitation:list', {}))).invitations;
  }

  async acceptInvitation(conversationId: string): Promise<ConversationView> {
    const view = await conversations.acceptInvitation(this.context(), conversationId);
    void this.announceInvitations();
    return view;
  }

  async declineInvitation(conversationId: string): Promise<void> {
    await conversations.declineInvitation(this.ready(), conversationId);
    void this.announceInvitations();
  }

  /** Tells the screen how many invitations wait (after a push, an answer, or a connect). */
  protected async announceInvitations(): Promise<void> {
    try {
      const invitations = await this.listInvitations();
      this.events.emit('invitations', { count: invitations.length });
    } catch (error) {
      this.logger.warn('could not list invitations', { error: String(error) });
    }
  }

  // Invite links and join requests (issue #15): ./invite-links.ts.
  createInviteLink = (input: { conversationId: string; expiresInS?: number }) =>
    invites.createInviteLink(this.ready(), input);
  listInviteLinks = (conversationId: string) =>
    invites.listInviteLinks(this.ready(), conversationId);
  revokeInviteLink = (input: { conversationId: string; code: string }) =>
    invites.revokeInviteLink(this.ready(), input);
  previewInviteLink = (link: string) => invites.previewInviteLink(this.ready(), link);
  joinByInviteLink = (code: string) =>
    invites.joinByInviteLink({ ...this.context(), joinRequests: this.ready().joinRequests }, code);
  listJoinRequests = (id: string) => invites.listJoinRequests(this.ready(), id);
  answerJoinRequest = (input: { conversationId: string; userId: string; accept: boolean }) =>
    invites.answerJoinRequest(this.ready(), input);
  cancelJoinRequest = (id: string) => invites.cancelJoinRequest(this.ready(), id);

  // Message search and its background indexing (issue #16): ./search/search-actions.ts.
  searchMessages = async (query: string, options?: SearchOptions): Promise<SearchHit[]> =>
    search.searchMessages(this.ready(), query, options);
  getIndexing = async (): Promise<IndexingState> => search.indexingState(this.ready());
  downloadAllHistory = async () => search.downloadAllHistory(this.ready());
  getHistoryDownload = async () => search.historyDownloadState(this.ready());
  listChatMedia = (conversationId: string, tab: ChatMediaTab, beforeSeq?: number) =>
    search.listChatMedia(this.ready(), conversationId, tab, beforeSeq);
  listChatMediaSince = async (conversationId: string, tab: ChatMediaTab, fromSeq: number) =>
    search.listChatMediaSince(this.ready(), conversationId, tab, fromSeq);
  countChatMedia = async (conversationId: string) =>
    search.countChatMedia(this.ready(), conversationId);
}
