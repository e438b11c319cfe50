import type { GroupAdds, ProfileAudience } from '@chitchat/shared';
import type { SessionState } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { AudienceSelect } from './AudienceSelect';

const AUDIENCES: readonly ProfileAudience[] = ['everyone', 'contacts', 'nobody'];
const GROUP_ADDS: readonly GroupAdds[] = ['everyone', 'contacts'];

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
  const report = (work: Promise<unknown>) => work.catch(onError);
  return (
    <section>
      <h3>Privacy</h3>
      <AudienceSelect
        label="Last seen and online"
        value={user.lastSeenVisibility}
        choices={AUDIENCES}
        save={(lastSeenVisibility) => report(store.chat.updateProfile({ lastSeenVisibility }))}
      />
      <AudienceSelect
        label="Profile photo"
        value={user.photoVisibility ?? 'everyone'}
        choices={AUDIENCES}
        save={(photoVisibility) => report(store.chat.updateOwnProfile({ photoVisibility }))}
      />
      <AudienceSelect
        label="About"
        value={user.aboutVisibility ?? 'everyone'}
        choices={AUDIENCES}
        save={(aboutVisibility) => report(store.chat.updateOwnProfile({ aboutVisibility }))}
      />
      <AudienceSelect
        label="Who can add me to groups"
        value={user.groupAdds ?? 'everyone'}
        choices={GROUP_ADDS}
        save={(groupAdds) => report(store.chat.updateProfile({ groupAdds }))}
      />
      <label className="checkbox">
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
