import { useState } from 'react';
import { GROUP_DESCRIPTION_MAX_LENGTH } from '@chitchat/shared';
import type { ConversationView } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { isLongDescription, linkParts } from './groupRules';
import './groups.css';

/**
 * The group's description in the info panel (issue #15): its text in its own direction, links
 * clickable, folded with "Read more" when long; the owner and admins edit it.
 */
export function GroupDescription({
  store,
  conversation: c,
  manage,
  run,
}: {
  store: AppStore;
  conversation: ConversationView;
  manage: boolean;
  run: (work: Promise<unknown>) => void;
}) {
  const description = c.group?.description ?? null;
  const [open, setOpen] = useState(false);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(description ?? '');
  const long = description !== null && isLongDescription(description);
  if (editing) {
    return (
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          setEditing(false);
          run(store.chat.updateGroup({ conversationId: c.id, description: draft }));
        }}
      >
        <label>
          Group description
          <textarea
            value={draft}
            dir="auto"
            rows={4}
            maxLength={GROUP_DESCRIPTION_MAX_LENGTH}
            onChange={(e) => setDraft(e.target.value)}
          />
        </label>
        <span className="muted" aria-live="polite">
          {GROUP_DESCRIPTION_MAX_LENGTH - draft.length}
        </span>
        <div className="inline-form">
          <button type="submit">Save description</button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </div>
      </form>
    );
  }
  return (
    <section className="group-description" aria-label="Group description">
      {description === null ? (
        <p className="muted">{manage ? 'No description yet.' : 'No description.'}</p>
      ) : (
        <p dir="auto" className={long && !open ? 'description-text folded' : 'description-text'}>
          {linkParts(description).map((part, i) =>
            part.url === null ? (
              part.text
            ) : (
              <a
                key={i}
                href={part.url}
                onClick={(e) => {
                  e.preventDefault();
                  window.chitchatShell?.openExternal(part.url ?? '');
                }}
              >
                {part.text}
              </a>
            ),
          )}
        </p>
      )}
      {long && (
        <button className="link-button" onClick={() => setOpen(!open)}>
          {open ? 'Show less' : 'Read more'}
        </button>
      )}
      {manage && (
        <button
          onClick={() => {
            setDraft(description ?? '');
            setEditing(true);
          }}
        >
          {description === null ? 'Add description' : 'Edit description'}
        </button>
      )}
    </section>
  );
}
