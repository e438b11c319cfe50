import type { GroupAdds, LastSeenVisibility, ProfileAudience } from '@chitchat/shared';
import type { SessionState } from '../../../common/contract';
import type { AppStore } from '../../state/store';

/**
 * Who sees my last seen and online status, my profile photo and my about line (one audience rule
 * each), and who can add me to groups (DESIGN §3).
 */
export function PrivacySettings({
  store,
  user,
  onError,
}: {
  store: AppStore;
  user: Extract<SessionState, { status: 'signed_in' }>['user'];
  onError: (error: unknown) => void;
}) {
  return (
    <section>
      <h3>Privacy</h3>
      <label className="setting">
        Last seen and online
        <select
          value={user.lastSeenVisibility}
          onChange={(e) => {
            store.chat
              .updateProfile({ lastSeenVisibility: e.target.value as LastSeenVisibility })
              .catch(onError);
          }}
        >
          <option value="everyone">Everyone</option>
          <option value="contacts">My contacts</option>
          <option value="nobody">Nobody</option>
        </select>
      </label>
      <label className="setting">
        Profile photo
        <select
          value={user.photoVisibility ?? 'everyone'}
          onChange={(e) => {
            store.chat
              .updateOwnProfile({ photoVisibility: e.target.value as ProfileAudience })
              .catch(onError);
          }}
        >
          <option value="everyone">Everyone</option>
          <option value="contacts">My contacts</option>
          <option value="nobody">Nobody</option>
        </select>
      </label>
      <label className="setting">
        About
        <select
          value={user.aboutVisibility ?? 'everyone'}
          onChange={(e) => {
            store.chat
              .updateOwnProfile({ aboutVisibility: e.target.value as ProfileAudience })
              .catch(onError);
          }}
        >
          <option value="everyone">Everyone</option>
          <option value="contacts">My contacts</option>
          <option value="nobody">Nobody</option>
        </select>
      </label>
      <label className="setting">
        Who can add me to groups
        <select
          value={user.groupAdds ?? 'everyone'}
          onChange={(e) => {
            store.chat.updateProfile({ groupAdds: e.target.value as GroupAdds }).catch(onError);
          }}
        >
          <option value="everyone">Everyone</option>
          <option value="contacts">My contacts</option>
        </select>
      </label>
      <label className="setting checkbox-setting">
        <input
          type="checkbox"
          checked={user.readReceipts ?? true}
          onChange={(e) => {
            store.chat.updateProfile({ readReceipts: e.target.checked }).catch(onError);
          }}
        />
        Read receipts
      </label>
      <p className="muted">
        Off: people see your messages in direct chats as delivered, never read, and you see no read
        ticks from them either. Groups always show who read.
      </p>
      <p className="muted">
        Contacts are people you've written to, accepted, or added to a group, and members of groups
        you share. Others who add you to a group send an invitation instead.
      </p>
    </section>
  );
}
