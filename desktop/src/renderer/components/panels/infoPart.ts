import type { ConversationView } from '../../../common/contract';
import type { AppStore } from '../../state/store';

/**
 * What each part of a chat's info panel is given: the store, the chat, and `run`, which shows the
 * refusal of a change in the panel (ConversationInfo).
 */
export interface InfoPartProps {
  store: AppStore;
  conversation: ConversationView;
  run: (work: Promise<unknown>) => void;
}
