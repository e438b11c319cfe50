import { useEffect, useState } from 'react';
import type { UserProfileView } from '../../../common/contract';
import { errorText } from '../../format';
import { useAppState, type AppStore } from '../../state/store';
import { Avatar } from '../Avatar';
import { ErrorNote } from '../ErrorNote';
import { LargePhoto } from './LargePhoto';

/**
 * The contact info panel (issue #15): photo (click to view it large), name, username, about,
 * groups in common (each opens the group), how many files the chat with them holds, and block /
 * unblock after asking. Photo and about appear only where the person's audience admits the viewer;
 * live changes (`user:changed`) show at once.
 */
export function ContactInfo({ store, userId }: { store: AppStore; userId: string }) {
  const [profile, setProfile] = useState<UserProfileView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [viewing, setViewing] = useState(false);
  // What this device holds of them (their direct chat's peer, updated live): asked again on change.
  const known = useAppState(store, (s) => {
    const peer = s.conversations.find((c) => c.kind === 'direct' && c.peer?.id === userId)?.peer;
    return peer ? `${peer.displayName}|${peer.photo ?? ''}|${peer.about ?? ''}` : '';
  });
  const online = useAppState(store, (s) => s.connection === 'online');
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let cancelled = false;
    store.chat.getUserProfile(userId).then(
      (answer) => {
        if (cancelled) return;
        setProfile(answer);
        setError(null);
      },
      (e: unknown) => !cancelled && setError(errorText(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [store, userId, known, online, version]);

  if (profile === null) {
    return error ? <ErrorNote store={store}>{error}</ErrorNote> : <p aria-busy="true">Loading…</p>;
  }
  const { user } = profile;
  const photo = user.photo ?? null;
  const about = user.about ?? '';
  const toggleBlock = () => {
    const question = profile.blocked
      ? `Unblock ${user.displayName}? They will be able to message you and see your updates again.`
      : `Block ${user.displayName}? Blocked contacts cannot message you or see your updates.`;
    if (!window.confirm(question)) return;
    const work = profile.blocked ? store.chat.unblockUser(user.id) : store.chat.blockUser(user.id);
    work.then(
      () => setVersion((v) => v + 1),
      (e: unknown) => setError(errorText(e)),
    );
  };
  return (
    <div className="stack contact-info">
      <div className="info-hero">
        {photo === null ? (
          <Avatar id={user.id} name={user.displayName} size={96} />
        ) : (
          <button
            className="contact-photo-button"
            aria-label={`View the profile photo of ${user.displayName}`}
            onClick={() => setViewing(true)}
          >
            <Avatar id={user.id} name={user.displayName} size={96} photo={photo} />
          </button>
        )}
        <h3 dir="auto">{user.displayName}</h3>
        <p className="muted">@{user.username}</p>
      </div>
      {about !== '' && (
        <section aria-labelledby="contact-about-heading">
          <h4 id="contact-about-heading">About</h4>
          <p className="contact-about" dir="auto">
            {about}
          </p>
        </section>
      )}
      <p>
        {profile.mediaCount === 1
          ? '1 photo, video or file'
          : `${profile.mediaCount} photos, videos and files`}
      </p>
      <section aria-labelledby="shared-groups-heading">
        <h4 id="shared-groups-heading">
          {profile.sharedGroups.length === 1
            ? '1 group in common'
            : `${profile.sharedGroups.length} groups in common`}
        </h4>
        <ul className="shared-groups" role="list">
          {profile.sharedGroups.map((g) => (
            <li key={g.id}>
              <button
                className="person-row"
                onClick={() => {
                  store.set({ panel: null });
                  store.open(g.id);
                }}
              >
                <Avatar id={g.id} name={g.title} size={32} />
                <span className="row-title" dir="auto">
                  {g.title}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      {profile.cached && <p className="muted">Offline: shown as this device last saw it.</p>}
      {error && <ErrorNote store={store}>{error}</ErrorNote>}
      <button className="danger" onClick={toggleBlock} disabled={profile.cached}>
        {profile.blocked ? `Unblock ${user.displayName}` : `Block ${user.displayName}`}
      </button>
      {viewing && photo !== null && (
        <LargePhoto
          store={store}
          mediaId={photo}
          name={user.displayName}
          onClose={() => setViewing(false)}
        />
      )}
    </div>
  );
}
