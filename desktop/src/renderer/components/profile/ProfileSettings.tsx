import { useRef, useState } from 'react';
import { ABOUT_MAX_LENGTH, DISPLAY_NAME_MAX_LENGTH } from '@chitchat/shared';
import type { SessionState } from '../../../common/contract';
import { errorText } from '../../format';
import type { AppStore } from '../../state/store';
import { Avatar } from '../Avatar';
import { PhotoCropper } from './PhotoCropper';

type SignedIn = Extract<SessionState, { status: 'signed_in' }>;

/** Settings → Profile: photo (pick, crop to a square, remove), display name and about line. */
export function ProfileSettings({ store, session }: { store: AppStore; session: SignedIn }) {
  const { user } = session;
  const [name, setName] = useState(user.displayName);
  const [about, setAbout] = useState(user.about ?? '');
  const [picked, setPicked] = useState<Blob | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
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
        <div className="stack">
          <button onClick={() => input.current?.click()}>
            {photo === null ? 'Add photo' : 'Change photo'}
          </button>
          {photo !== null && (
            <button
              className="danger"
              onClick={() => {
                if (window.confirm('Remove your profile photo?'))
                  run(store.chat.setProfilePhoto(null), 'Photo removed.');
              }}
            >
              Remove photo
            </button>
          )}
          <input
            ref={input}
            type="file"
            accept="image/jpeg,image/png,image/webp,image/gif"
            hidden
            aria-label="Choose a profile photo"
            onChange={(e) => {
              const input = e.target;
              const file = input.files?.[0];
              if (file === undefined) return;
              // Read now: a picked file can stop being readable once the field is cleared.
              file.arrayBuffer().then(
                (bytes) => {
                  input.value = '';
                  setPicked(new Blob([bytes], { type: file.type }));
                },
                (err: unknown) => setMessage(errorText(err)),
              );
            }}
          />
        </div>
      </div>
      {picked && (
        <PhotoCropper
          file={picked}
          title="Crop your photo"
          onCancel={() => setPicked(null)}
          onDone={(cropped) => {
            setPicked(null);
            run(store.chat.setProfilePhoto(cropped), 'Photo saved.');
          }}
        />
      )}
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
