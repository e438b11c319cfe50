import { useState } from 'react';
import type { ConversationView, MessageView } from '../../../common/contract';
import { collapsedText, hueOf, timeOfDay } from '../../format';
import { useAppState, type AppStore } from '../../state/store';
import { IconEdit, IconForward, IconInfo, IconReply, IconTrash } from '../Icons';
import { Attachments } from '../Media';
import { StatusIcon } from '../StatusIcon';
import { canEdit, canReply } from './canEdit';
import { sendBlocked } from '../groups/groupRules';
import { DeleteDialog } from './DeleteDialog';
import { LinkPreviewCard } from './LinkPreviewCard';
import { InviteLinkCard } from '../invites/InviteLinkCard';
import { inviteLinkIn } from '../invites/inviteLinkIn';
import { MentionText } from '../mentions/MentionText';
import { StarIcon } from './StarIcon';
import { ReactionActions } from '../reactions/ReactionActions';
import { ReactionChips } from '../reactions/ReactionChips';
import { VoiceNote } from '../voice/VoiceNote';
import { PinAction } from '../pins/PinAction';
import { PinIcon } from '../pins/PinIcon';
import { PollCard } from '../polls/PollCard';

export function Bubble({
  message: m,
  store,
  conversation,
  runStart,
  highlighted,
  onReply,
  onEdit,
  onQuoteClick,
}: {
  message: MessageView;
  store: AppStore;
  conversation: ConversationView;
  runStart: boolean;
  highlighted: boolean;
  onReply: (m: MessageView) => void;
  onEdit: (m: MessageView) => void;
  onQuoteClick: (seq: number) => void;
}) {
  const deleted = m.deletedAt !== null;
  const isAdmin =
    conversation.kind === 'group' &&
    (conversation.role === 'owner' || conversation.role === 'admin');
  const canAct = m.seq !== null && !deleted && conversation.status === 'active';
  // A message still in the outbox can be replied to and edited already (the engine waits for it).
  const pendingSend = m.seq === null && canReply(m) && conversation.status === 'active';
  // No "Reply" where the person cannot write (a group where only admins send): nowhere to type it.
  const canWrite = sendBlocked(conversation) === null;
  const showName = conversation.kind === 'group' && !m.own && runStart;
  // A very long message is folded, as WhatsApp does, so one paste does not fill many screens.
  const [expanded, setExpanded] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const folded = !expanded && !deleted && m.text ? collapsedText(m.text) : null;
  // Selection mode (for forwarding): every sent, not deleted message gets a checkbox.
  const selection = useAppState(store, (s) =>
    s.selection?.conversationId === conversation.id ? s.selection.seqs : null,
  );
  const selectable = selection !== null && m.seq !== null && !deleted && !m.unsupported;
  const selected = selectable && m.seq !== null && selection.includes(m.seq);
  // A group invite link opens the join preview in the app; any other link, the system browser.
  const openLink = (url: string) => {
    if (inviteLinkIn(url) !== null) store.set({ panel: { kind: 'join', link: url } });
    else window.chitchatShell?.openExternal(url);
  };
  return (
    <div
      className={`bubble-row ${m.own ? 'own' : 'other'}${runStart ? ' run-start' : ''}${selected ? ' selected' : ''}`}
      data-seq={m.seq ?? undefined}
    >
      {selectable && (
        <input
          type="checkbox"
          className="select-message"
          aria-label={`Select message from ${m.own ? 'you' : m.senderName}, ${timeOfDay(m.createdAt)}`}
          checked={selected}
          onChange={() => m.seq !== null && store.toggleSelected(conversation.id, m.seq)}
        />
      )}
      <article
        className={`bubble${highlighted ? ' highlighted' : ''}${deleted ? ' deleted' : ''}${m.status === 'failed' ? ' failed' : ''}`}
        aria-label={`${m.own ? 'You' : m.senderName}, ${timeOfDay(m.createdAt)}`}
        // Focusable by the arrow keys of the history (one Tab stop for all): see messageKeys.ts.
        tabIndex={-1}
        data-message=""
      >
        {showName && (
          <div
            className="sender-name"
            dir="auto"
            style={{ ['--hue' as string]: hueOf(m.senderUserId) }}
          >
            {m.senderName}
          </div>
        )}
        {m.forwarded && !deleted && (
          <div className="forwarded-label">
            <IconForward size={12} /> Forwarded
          </div>
        )}
        {m.replyTo && !deleted && (
          <button
            className="quote"
            onClick={() => m.replyTo?.seq != null && onQuoteClick(m.replyTo.seq)}
            aria-label={`Reply to ${m.replyTo.senderName}`}
          >
            <span className="quote-name" dir="auto">
              {m.replyTo.senderName}
            </span>
            <span className="quote-text" dir="auto">
              {m.replyTo.text ?? 'Message'}
            </span>
          </button>
        )}
        {!deleted &&
          (m.voice !== undefined ? (
            <VoiceNote store={store} message={m} voice={m.voice} />
          ) : (
            <Attachments store={store} message={m} />
          ))}
        {m.change !== undefined && (
          <div className="change-label muted">
            {m.change === 'edit' ? 'Edit of an earlier message' : 'Delete of an earlier message'}
          </div>
        )}
        {!deleted && m.linkPreview !== null && (
          <LinkPreviewCard store={store} preview={m.linkPreview} />
        )}
        {!deleted && <InviteLinkCard store={store} text={m.text} />}
        {m.poll && <PollCard message={m} store={store} conversation={conversation} />}
        <div className="bubble-text" dir="auto">
          {m.unsupported ? (
            <em className="muted">This message isn't supported by this version of chitchat.</em>
          ) : deleted ? (
            <em className="muted">This message was deleted</em>
          ) : m.poll ? null : folded !== null ? (
            <>
              <MentionText text={folded} mentions={m.mentions} onLink={openLink} />{' '}
              <button type="button" className="link read-more" onClick={() => setExpanded(true)}>
                Read more
              </button>
            </>
          ) : (
            <span className="text">
              <MentionText text={m.text ?? ''} mentions={m.mentions} onLink={openLink} />
            </span>
          )}
          <span className="meta">
            {m.starred === true && (
              <span className="star-mark">
                <StarIcon filled size={11} label="Starred" />
              </span>
            )}
            {m.pinned === true && (
              <span className="pin-mark">
                <PinIcon filled size={11} label="Pinned" />
              </span>
            )}
            {m.editedAt !== null && !deleted && <span className="edited">edited</span>}
            <time dateTime={new Date(m.createdAt).toISOString()}>{timeOfDay(m.createdAt)}</time>
            {m.own && !deleted && <StatusIcon status={m.status} />}
          </span>
        </div>
        {!deleted && <ReactionChips message={m} store={store} conversationId={conversation.id} />}
        {m.status === 'failed' && (
          <>
            <button className="retry" onClick={() => void store.chat.retryMessage(m.key)}>
              Not sent{m.error ? ` (${m.error.replace('_', ' ')})` : ''} — Click to retry
            </button>
            <button className="retry" onClick={() => void store.chat.discardMessage(m.key)}>
              Discard
            </button>
          </>
        )}
      </article>
      {/* Any sent message can be deleted for me (even one deleted for everyone, or in a chat left). */}
      {(m.seq !== null || pendingSend) && (
        <div className="bubble-actions" role="toolbar" aria-label="Message actions">
          {(canAct || pendingSend) && (
            <ReactionActions message={m} store={store} conversationId={conversation.id} />
          )}
          {(canAct || pendingSend) && canWrite && (
            <button
              className="icon-button small"
              tabIndex={-1}
              aria-label="Reply"
              title="Reply"
              onClick={() => onReply(m)}
            >
              <IconReply size={16} />
            </button>
          )}
          {!deleted && (
            <button
              className="icon-button small"
              tabIndex={-1}
              aria-label={m.starred === true ? 'Unstar' : 'Star'}
              title={m.starred === true ? 'Unstar (S)' : 'Star (S)'}
              onClick={() =>
                m.seq !== null &&
                void store.chat.setStarred({
                  conversationId: conversation.id,
                  seq: m.seq,
                  starred: m.starred !== true,
                })
              }
            >
              <StarIcon filled={m.starred === true} />
            </button>
          )}
          {(canAct || pendingSend || deleted) && conversation.status === 'active' && (
            <PinAction message={m} store={store} conversationId={conversation.id} />
          )}
          {canAct && (
            <button
              className="icon-button small"
              tabIndex={-1}
              aria-label="Forward"
              title="Forward"
              onClick={() => m.seq !== null && store.toggleSelected(conversation.id, m.seq)}
            >
              <IconForward size={16} />
            </button>
          )}
          {(canAct || pendingSend) && canEdit(m) && (
            <button
              className="icon-button small"
              tabIndex={-1}
              aria-label="Edit"
              title="Edit"
              onClick={() => onEdit(m)}
            >
              <IconEdit size={16} />
            </button>
          )}
          {canAct && m.own && conversation.kind === 'group' && (
            <button
              className="icon-button small"
              tabIndex={-1}
              aria-label="Message info"
              title="Message info"
              onClick={() =>
                m.seq !== null &&
                store.set({
                  panel: { kind: 'message-info', conversationId: conversation.id, seq: m.seq },
                })
              }
            >
              <IconInfo size={16} />
            </button>
          )}
          {m.seq !== null && (
            <button
              className="icon-button small"
              tabIndex={-1}
              aria-label="Delete"
              title="Delete (Delete key)"
              onClick={() => setDeleting(true)}
            >
              <IconTrash size={16} />
            </button>
          )}
        </div>
      )}
      {deleting && (
        <DeleteDialog
          conversationId={conversation.id}
          message={m}
          forEveryone={(m.own || isAdmin) && canAct}
          store={store}
          onClose={() => setDeleting(false)}
        />
      )}
    </div>
  );
}
