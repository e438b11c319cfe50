import { useState } from 'react';
import { GROUP_TITLE_MAX_LENGTH, type PublicUser } from '@chitchat/shared';
import { errorText } from '../../format';
import type { AppStore } from '../../state/store';
import { ErrorNote } from '../ErrorNote';
import { PersonLabel } from './PersonLabel';
import { PersonPicker } from './PersonPicker';

export function NewGroup({ store }: { store: AppStore }) {
  const [title, setTitle] = useState('');
  const [picked, setPicked] = useState<PublicUser[]>([]);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        if (picked.length === 0) return;
        store.chat.createGroup({ title, memberIds: picked.map((u) => u.id) }).then(
          (c) => {
            store.set({ panel: null });
            store.open(c.id);
          },
          (err: unknown) => setError(errorText(err)),
        );
      }}
    >
      <label>
        Group name
        <input
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          required
          maxLength={GROUP_TITLE_MAX_LENGTH}
        />
      </label>
      <div className="chips" aria-label="Members">
        {picked.map((u) => (
          <button
            type="button"
            className="chip"
            key={u.id}
            aria-label={`Remove ${u.displayName}`}
            onClick={() => setPicked(picked.filter((p) => p.id !== u.id))}
          >
            {u.displayName} ×
          </button>
        ))}
      </div>
      <PersonPicker
        store={store}
        excluded={(id) => picked.some((p) => p.id === id)}
        onPick={(u) => setPicked([...picked, u])}
      >
        {(u) => <PersonLabel user={u} />}
      </PersonPicker>
      {error && <ErrorNote store={store}>{error}</ErrorNote>}
      {picked.length === 0 && (
        <p className="muted" id="new-group-hint">
          Add at least one person to create a group.
        </p>
      )}
      <button
        className="primary"
        type="submit"
        disabled={title.trim() === '' || picked.length === 0}
        aria-describedby={picked.length === 0 ? 'new-group-hint' : undefined}
      >
        Create group{picked.length > 0 ? ` with ${picked.length}` : ''}
      </button>
    </form>
  );
}
