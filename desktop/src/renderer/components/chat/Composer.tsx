import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { MESSAGE_TEXT_MAX_LENGTH, TYPING_REFRESH_MS } from '@chitchat/shared';
import type { ConversationView, MessageView, OutgoingFile } from '../../../common/contract';
import { errorText } from '../../format';
import { useAppState, type AppStore } from '../../state/store';
import { IconClose, IconSend } from '../Icons';
import { AttachMenu } from '../polls/AttachMenu';
import { readFiles, SendFilesSheet } from '../Media';
import { ComposerLinkPreview } from './ComposerLinkPreview';
import { useMentionPicker } from '../mentions/useMentionPicker';
import { useLinkPreview } from './useLinkPreview';
import { scrollHistoryByPage } from './messageKeys';
import { sendRecording } from '../voice/sendVoice';
import { useVoiceRecorder } from '../voice/useVoiceRecorder';
import { VoiceButton } from '../voice/VoiceButton';
import { VoiceRecordingBar } from '../voice/VoiceRecordingBar';

export function Composer({
  store,
  conversation,
  replyTo,
  editing,
  onCancel,
  onEditLast,
}: {
  store: AppStore;
  conversation: ConversationView;
  replyTo: MessageView | null;
  editing: MessageView | null;
  onCancel: () => void;
  onEditLast: () => void;
}) {
  const [text, setText] = useState(conversation.draft);
  const [error, setError] = useState<string | null>(null);
  const [files, setFiles] = useState<OutgoingFile[] | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const dropped = useAppState(store, (s) => s.droppedFiles);
  useEffect(() => {
    if (dropped === null) return;
    store.set({ droppedFiles: null });
    void readFiles(dropped).then(setFiles);
  }, [dropped, store]);

  async function sendFiles(caption: string) {
    const picked = files;
    setFiles(null);
    if (picked === null) return;
    try {
      await store.chat.sendMessage({
        conversationId: conversation.id,
        text: caption,
        files: picked,
        ...replyFields(replyTo),
      });
      onCancel();
    } catch (e) {
      setError(errorText(e));
    }
  }
  const input = useRef<HTMLTextAreaElement>(null);
  const typingSince = useRef(0);
  // Made on this device by the engine (DESIGN §10); an edit keeps the message's own preview.
  const link = useLinkPreview(store, text, editing === null);
  const mention = useMentionPicker({ store, conversation, text, setText, input });
  const recorder = useVoiceRecorder();
  // An empty field offers the microphone where the send button is (WhatsApp's composer).
  const offersVoice = text.trim() === '' && editing === null;
  async function sendVoice() {
    try {
      const recording = await recorder.finish();
      if (recording !== null) await sendRecording(store, conversation.id, recording);
    } catch (e) {
      setError(errorText(e));
    }
    input.current?.focus();
  }

  useEffect(() => {
    if (editing) {
      setText(editing.text ?? '');
      input.current?.focus();
    }
  }, [editing]);
  useEffect(() => {
    if (replyTo) input.current?.focus();
  }, [replyTo]);
  useEffect(() => {
    input.current?.focus();
  }, [conversation.id]);
  // The draft this composer last saved (or was shown): a different one in the view came from
  // another device of the person (account state, last writer wins) and replaces the text here.
  const savedDraft = useRef(conversation.draft);
  useEffect(() => {
    if (editing || conversation.draft === savedDraft.current) return;
    savedDraft.current = conversation.draft;
    setText(conversation.draft);
  }, [conversation.draft, editing]);
  // The draft is kept per conversation as it is typed.
  useEffect(() => {
    if (editing) return;
    const timer = setTimeout(() => {
      savedDraft.current = text;
      void store.chat.setDraft(conversation.id, text).catch(() => undefined);
    }, 300);
    return () => clearTimeout(timer);
  }, [store, conversation.id, text, editing]);
  // Grows with the text up to a few lines.
  useLayoutEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 160)}px`;
  }, [text]);

  const stopTyping = () => {
    if (typingSince.current !== 0) {
      typingSince.current = 0;
      void store.chat.setTyping(conversation.id, false).catch(() => undefined);
    }
  };

  async function submit() {
    const value = text;
    if (value.trim() === '') return;
    setError(null);
    try {
      if (editing) {
        // A message still in the outbox is named by its key; the engine finds its seq.
        await store.chat.editMessage({
          conversationId: conversation.id,
          ...(editing.seq !== null ? { seq: editing.seq } : { key: editing.key }),
          text: value,
        });
      } else {
        await store.chat.sendMessage({
          conversationId: conversation.id,
          text: value,
          ...replyFields(replyTo),
          ...(link.preview !== null ? { linkPreview: link.preview } : {}),
          mentions: mention.mentionsFor(value),
        });
      }
      link.reset();
      mention.reset();
      setText('');
      onCancel();
      stopTyping();
    } catch (e) {
      setError(errorText(e));
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (mention.onKeyDown(event)) return;
    if (scrollHistoryByPage(event.currentTarget, event.key)) {
      event.preventDefault();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    } else if (event.key === 'Escape' && (replyTo || editing)) {
      event.preventDefault();
      if (editing) setText('');
      onCancel();
    } else if (event.key === 'ArrowUp' && text === '' && !editing) {
      event.preventDefault();
      onEditLast();
    }
  }

  return (
    <footer className="composer">
      {(replyTo || editing) && (
        <div className="composer-context">
          <div className="composer-context-text">
            <span className="quote-name">
              {editing
                ? 'Edit message'
                : `Replying to ${replyTo?.own ? 'yourself' : replyTo?.senderName}`}
            </span>
            <span className="quote-text" dir="auto">
              {(editing ?? replyTo)?.text}
            </span>
          </div>
          <button
            className="icon-button small"
            aria-label={editing ? 'Cancel edit' : 'Cancel reply'}
            onClick={() => {
              if (editing) setText('');
              onCancel();
            }}
          >
            <IconClose size={16} />
          </button>
        </div>
      )}
      {(error ?? recorder.error) && (
        <p className="form-error" role="alert">
          {error ?? recorder.error}
        </p>
      )}
      {mention.picker}
      {link.preview !== null && (
        <ComposerLinkPreview preview={link.preview} onRemove={link.remove} />
      )}
      {files && (
        <SendFilesSheet
          files={files}
          onSend={(caption) => void sendFiles(caption)}
          onCancel={() => setFiles(null)}
        />
      )}
      <div className="composer-row">
        {recorder.state.phase !== 'idle' && <VoiceRecordingBar recorder={recorder} />}
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          aria-hidden="true"
          onChange={(e) => {
            const list = e.target.files;
            if (list && list.length > 0) void readFiles(list).then(setFiles);
            e.target.value = '';
          }}
        />
        <AttachMenu
          hidden={recorder.state.phase !== 'idle'}
          store={store}
          conversationId={conversation.id}
          onPickFiles={() => picker.current?.click()}
        />
        <textarea
          ref={input}
          hidden={recorder.state.phase !== 'idle'}
          rows={1}
          value={text}
          maxLength={MESSAGE_TEXT_MAX_LENGTH}
          placeholder="Type a message"
          dir="auto"
          aria-label="Message"
          onChange={(e) => {
            setText(e.target.value);
            const now = Date.now();
            if (e.target.value === '') stopTyping();
            else if (now - typingSince.current > TYPING_REFRESH_MS) {
              typingSince.current = now;
              void store.chat.setTyping(conversation.id, true).catch(() => undefined);
            }
          }}
          onBlur={stopTyping}
          onSelect={mention.onCaretMove}
          {...mention.fieldProps}
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            const pasted = Array.from(e.clipboardData.files);
            if (pasted.length > 0) {
              e.preventDefault();
              void readFiles(pasted).then(setFiles);
            }
          }}
        />
        {offersVoice ? (
          <VoiceButton recorder={recorder} onSend={() => void sendVoice()} />
        ) : (
          <button
            className="send-button"
            aria-label={editing ? 'Save edit' : 'Send'}
            onClick={() => void submit()}
            disabled={text.trim() === ''}
          >
            <IconSend />
          </button>
        )}
      </div>
    </footer>
  );
}

/** A reply names a sent message by seq, one still in the outbox by its key. */
function replyFields(replyTo: MessageView | null): { replyToSeq?: number; replyToKey?: string } {
  if (replyTo === null) return {};
  return replyTo.seq !== null ? { replyToSeq: replyTo.seq } : { replyToKey: replyTo.key };
}
