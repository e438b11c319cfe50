import { DEFAULT_GROUP_PERMISSIONS, type GroupPermissions } from '@chitchat/shared';
import type { GroupInfoView } from '../common/group-contract';
import type { ConversationRow } from './local-store/rows';

/** A group's description and permissions as cached from its summaries (issue #15). */
export function groupInfoOf(
  row: Pick<ConversationRow, 'description' | 'permissions'>,
): GroupInfoView {
  return {
    description: row.description,
    // Not known yet (a cache from before, an older server): the defaults, as the server reads them.
    permissions:
      row.permissions === null
        ? { ...DEFAULT_GROUP_PERMISSIONS }
        : {
            ...DEFAULT_GROUP_PERMISSIONS,
            ...(JSON.parse(row.permissions) as Partial<GroupPermissions>),
          },
  };
}
