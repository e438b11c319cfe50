import { useRef, useState } from 'react';
import type { AppStore } from '../../state/store';
import { IconAttach } from '../Icons';
import { AttachMenuList } from './AttachMenuList';
import { PollDialog } from './PollDialog';
import './polls.css';

/**
 * The composer's attach button: a small menu of what can be sent besides text ("Photos & files",
 * "Poll"), as WhatsApp's paperclip. Arrow keys move in it, Escape closes it.
 */
export function AttachMenu({
  store,
  conversationId,
  onPickFiles,
  hidden = false,
}: {
  store: AppStore;
  conversationId: string;
  onPickFiles: () => void;
  /** While a voice note is being recorded, the recorder takes the composer's row. */
  hidden?: boolean;
}) {
  const button = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const [polling, setPolling] = useState(false);
  return (
    <>
      <button
        ref={button}
        hidden={hidden}
        type="button"
        className="icon-button attach-button"
        aria-label="Attach"
        title="Attach"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <IconAttach />
      </button>
      {open && !hidden && (
        <AttachMenuList
          anchor={button}
          onClose={() => {
            setOpen(false);
            button.current?.focus();
          }}
          onFiles={() => {
            setOpen(false);
            onPickFiles();
          }}
          onPoll={() => {
            setOpen(false);
            setPolling(true);
          }}
        />
      )}
      {polling && (
        <PollDialog
          store={store}
          conversationId={conversationId}
          onClose={() => setPolling(false)}
        />
      )}
    </>
  );
}
