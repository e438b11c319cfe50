import type { ConversationView } from '../../common/contract';
import { IconAlert, IconClock, IconDoubleTick, IconTick } from './Icons';

/** The clock or ticks of an own message. */
export function StatusIcon({
  status,
}: {
  status: NonNullable<ConversationView['lastMessage']>['status'];
}) {
  switch (status) {
    case 'pending':
      return (
        <span className="status pending">
          <IconClock label="Pending" />
        </span>
      );
    case 'sent':
      return (
        <span className="status sent">
          <IconTick label="Sent" />
        </span>
      );
    case 'delivered':
      return (
        <span className="status delivered">
          <IconDoubleTick label="Delivered" />
        </span>
      );
    case 'read':
      return (
        <span className="status read">
          <IconDoubleTick label="Read" />
        </span>
      );
    case 'failed':
      return (
        <span className="status failed">
          <IconAlert label="Not sent" />
        </span>
      );
    default:
      return null;
  }
}
