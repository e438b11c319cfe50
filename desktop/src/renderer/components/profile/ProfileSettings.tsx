import { useState } from 'react';
import { ABOUT_MAX_LENGTH, DISPLAY_NAME_MAX_LENGTH } from '@chitchat/shared';
import type { SessionState } from '../../../common/contract';
import { errorText } from '../../format';
import type { AppStore } from '../../state/store';
import { Avatar } from '../Avatar';
import { PhotoPicker } from './PhotoPicker';

type SignedIn = Extract<SessionState, { status: 'signed_in' }>;

/** Settings → Profile: photo (pick, crop to a square, remove), display name and about line. */
export function ProfileSettings({ store, session }: { store: AppStore; session: SignedIn }) {
  const { user } = session;
  const [name, setName] = useState(user.displayName);
  const [about, setAbout] = useState(user.about ?? '');
  const [message, setMessage] = useState<string | null>(null);
  const run = (work: Promise<unknown>, done: string) => {
    setMessage(null);
    work.then(
      () => setMessage(done),
      (e: unknown) => setMessage(errorText(e)),
    );
  };
  const photo = user.photo ?? null;
  return (
    <section aria-labelledby="profile-heading">
      <h3 id="profile-heading">Profile</h3>
      <div className="profile-photo-row">
        <Avatar id={user.id} name={user.displayName} size={96} photo={photo} />
        <PhotoPicker
          photo={photo}
          className="stack"
          labels={{
            add: 'Add photo',
            change: 'Change photo',
            removeConfirm: 'Remove your profile photo?',
            field: 'Choose a profile photo',
            cropTitle: 'Crop your photo',
          }}
          onCropped={(cropped) => run(store.chat.setProfilePhoto(cropped), 'Photo saved.')}
          onRemove={() => run(store.chat.setProfilePhoto(null), 'Photo removed.')}
          onError={setMessage}
        />
      </div>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          run(store.chat.updateOwnProfile({ displayName: name }), 'Saved.');
        }}
      >
        <label>
          Display name
          <input
            value={name}
            dir="auto"
            onChange={(e) => setName(e.target.value)}
            maxLength={DISPLAY_NAME_MAX_LENGTH}
          />
        </label>
        <button type="submit">Save</button>
      </form>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          run(store.chat.updateOwnProfile({ about }), 'About saved.');
        }}
      >
        <label>
          About
          <input
            value={about}
            dir="auto"
            placeholder="A line about you"
            onChange={(e) => setAbout(e.target.value.replace(/[\r\n]+/g, ' '))}
            maxLength={ABOUT_MAX_LENGTH}
          />
        </label>
        <span className="muted" aria-live="polite">
          {ABOUT_MAX_LENGTH - about.length}
        </span>
        <button type="submit" disabled={about.trim() === (user.about ?? '')}>
          Save about
        </button>
      </form>
      <p className="muted">
        Signed in as @{user.username} on {session.serverUrl}
      </p>
      {message && <p role="status">{message}</p>}
    </section>
  );
}
