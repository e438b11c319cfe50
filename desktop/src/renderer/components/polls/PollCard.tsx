import { useEffect, useId, useState } from 'react';
import type { ConversationView, MessageView } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { IconClock } from '../Icons';
import { choiceAfterPressing, myChoice, sameChoice, withChoice } from './pollChoice';
import { PollOption } from './PollOption';
import { PollVotes } from './PollVotes';
import './polls.css';

/**
 * A poll in its bubble: the question, one row per option with its live bar and count (your choice
 * checked), and "View votes". Pressing an option votes at once through the outbox (offline too, and
 * on a poll still pending: the engine names it by its key until it has a seq).
 */
export function PollCard({
  message: m,
  store,
  conversation,
}: {
  message: MessageView;
  store: AppStore;
  conversation: ConversationView;
}) {
  const questionId = useId();
  const [showVotes, setShowVotes] = useState(false);
  // Your latest press, shown until the engine's view of the poll has it (see withChoice).
  const [pressed, setPressed] = useState<number[] | null>(null);
  const caughtUp =
    pressed !== null && m.poll !== undefined && sameChoice(myChoice(m.poll), pressed);
  useEffect(() => {
    if (caughtUp) setPressed(null);
  }, [caughtUp]);
  if (m.poll === undefined) return null;
  const poll = pressed !== null ? withChoice(m.poll, pressed) : m.poll;
  const conversationId = conversation.id;
  // Not in a chat you left, nor on a poll whose send failed (it may never exist).
  const canVote = conversation.status === 'active' && m.status !== 'failed';
  const vote = (index: number) => {
    const options = choiceAfterPressing(poll, index);
    setPressed(options);
    store.chat.votePoll({ conversationId, seq: m.seq, key: m.key, options }).catch(() => {
      // Refused only when the poll is gone meanwhile (deleted): the bubble shows that itself.
      setPressed(null);
    });
  };
  return (
    <div className="poll">
      <div className="poll-question" id={questionId} dir="auto">
        {poll.question}
      </div>
      <div className="poll-kind muted">{poll.multiple ? 'Select one or more' : 'Select one'}</div>
      <div
        className="poll-options"
        role={poll.multiple ? 'group' : 'radiogroup'}
        aria-labelledby={questionId}
      >
        {poll.options.map((option, i) => (
          <PollOption
            key={i}
            option={option}
            multiple={poll.multiple}
            voterCount={poll.voterCount}
            disabled={!canVote}
            onPress={() => vote(i)}
          />
        ))}
      </div>
      <button
        type="button"
        className="link poll-view-votes"
        aria-haspopup="dialog"
        onClick={() => setShowVotes(true)}
      >
        {poll.pending && (
          <span className="poll-pending">
            <IconClock size={12} label="Your vote is not sent yet" />{' '}
          </span>
        )}
        View votes
        <span className="muted poll-voter-count">
          {' '}
          · {poll.voterCount} {poll.voterCount === 1 ? 'person' : 'people'} voted
        </span>
      </button>
      {showVotes && <PollVotes store={store} poll={poll} onClose={() => setShowVotes(false)} />}
    </div>
  );
}
