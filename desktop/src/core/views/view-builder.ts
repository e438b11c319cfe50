import type { ConversationView, MessageView, SearchHit } from '../../common/contract';
import type {
  ConversationRow,
  EventRow,
  LocalStore,
  SearchRow,
  UserRow,
} from '../local-store/index';
import { conversationView } from './chat-row';
import { receiptMarks, type Marks } from './marks';
import { messageView } from './message-row';
import type { UploadProgressOf } from './pending-row';
import { searchHitView } from './search-hit';
import { timelinePage } from './timeline-page';

/**
 * Turns the local store's rows into the plain views the screen shows. Each kind of row is built
 * in a file of its own in this folder (chat-row, message-row, pending-row, search-hit, ...).
 */
export class ViewBuilder {
  constructor(
    private readonly store: LocalStore,
    /** Upload progress of an outbox entry, while its files are being sent. */
    private readonly progressOf: UploadProgressOf = () => null,
  ) {}

  /** The receipt watermarks of a chat's other members (see `receiptMarks`). */
  marks(row: ConversationRow): Marks {
    return receiptMarks(this.store, row);
  }

  conversation(row: ConversationRow, typing: string[]): ConversationView {
    return conversationView(this.store, row, typing);
  }

  /** A page of the timeline: events, then what still waits in the outbox. */
  page(row: ConversationRow, events: EventRow[], includeOutbox: boolean): MessageView[] {
    return timelinePage(this.store, this.progressOf, row, events, includeOutbox);
  }

  message(
    event: EventRow,
    users: Map<string, UserRow>,
    marks: Marks,
    pinned: ReadonlySet<number> = new Set(),
  ): MessageView {
    return messageView(this.store, event, users, marks, pinned);
  }

  searchHit(row: SearchRow, conversations: Map<string, ConversationView>): SearchHit {
    return searchHitView(this.store, row, conversations);
  }
}
