import {
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import type { ConversationView, MemberView } from '../../../common/contract';
import { useAppState, type AppStore } from '../../state/store';
import { MENTION_PICKER_ID, MentionPicker, mentionOptionId } from './MentionPicker';
import { matchingMembers, mentionQueryAt, mentionsIn } from './mentionText';

/** Rows the picker shows at most (it scrolls); a group of hundreds is filtered as one types. */
const SHOWN_MAX = 50;

/**
 * The composer's "@" picker in groups: typing "@" (at the start of a word) lists the members,
 * filtered by what follows; arrows move, Enter or Tab inserts "@Name " and remembers the pick,
 * Escape closes. `mentionsFor(text)` gives the ids of the picks whose token is still in the text.
 */
export function useMentionPicker({
  store,
  conversation,
  text,
  setText,
  input,
}: {
  store: AppStore;
  conversation: ConversationView;
  text: string;
  setText: (text: string) => void;
  input: RefObject<HTMLTextAreaElement | null>;
}): {
  picker: ReactNode;
  onKeyDown: (event: KeyboardEvent<HTMLTextAreaElement>) => boolean;
  onCaretMove: () => void;
  mentionsFor: (text: string) => string[];
  reset: () => void;
  fieldProps: Record<string, string | undefined>;
} {
  const viewerId = useAppState(store, (s) =>
    s.session?.status === 'signed_in' ? s.session.user.id : '',
  );
  const enabled = conversation.kind === 'group' && conversation.status === 'active';
  const [caret, setCaret] = useState(0);
  // Escape closes the list for the word as it stands; typing on in it opens the list again.
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [members, setMembers] = useState<{ key: string; list: MemberView[] } | null>(null);
  const picks = useRef<{ userId: string; token: string }[]>([]);
  const pendingCaret = useRef<number | null>(null);
  const membersKey = `${conversation.id}:${conversation.memberCount}`;

  // The caret follows the text as it is typed (read after React wrote the value).
  useLayoutEffect(() => {
    const el = input.current;
    if (el === null) return;
    if (pendingCaret.current !== null) {
      el.setSelectionRange(pendingCaret.current, pendingCaret.current);
      pendingCaret.current = null;
    }
    setCaret(el.selectionStart);
  }, [text, input]);

  useEffect(() => {
    picks.current = [];
    setDismissed(null);
  }, [conversation.id]);

  const found = enabled ? mentionQueryAt(text, caret) : null;
  const foundKey = found === null ? null : `${found.start}:${found.query}`;
  const query = found !== null && foundKey !== dismissed ? found : null;
  useEffect(() => {
    if (dismissed !== null && foundKey !== dismissed) setDismissed(null);
  }, [foundKey, dismissed]);
  const open = query !== null;
  const loaded = members?.key === membersKey ? members.list : null;

  useEffect(() => {
    if (!open || loaded !== null) return;
    let current = true;
    store.chat.listMembers(conversation.id).then(
      (list) => current && setMembers({ key: membersKey, list }),
      () => current && setMembers({ key: membersKey, list: conversation.members }),
    );
    return () => {
      current = false;
    };
  }, [open, loaded, store, conversation.id, conversation.members, membersKey]);

  const matches = useMemo(
    () =>
      query === null || loaded === null
        ? []
        : matchingMembers(loaded, query.query, viewerId, SHOWN_MAX),
    [query?.query, loaded, viewerId],
  );
  useEffect(() => setActive(0), [query?.query, query?.start]);
  const activeIndex = Math.min(active, Math.max(matches.length - 1, 0));

  function pick(member: MemberView): void {
    if (query === null) return;
    const token = `@${member.displayName}`;
    const end = query.start + 1 + query.query.length;
    const next = `${text.slice(0, query.start)}${token} ${text.slice(end)}`;
    picks.current.push({ userId: member.userId, token });
    pendingCaret.current = query.start + token.length + 1;
    setText(next);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (!open || event.nativeEvent.isComposing) return false;
    const chosen = matches[activeIndex];
    switch (event.key) {
      case 'ArrowDown':
        setActive((activeIndex + 1) % Math.max(matches.length, 1));
        break;
      case 'ArrowUp':
        setActive((activeIndex - 1 + matches.length) % Math.max(matches.length, 1));
        break;
      case 'Enter':
      case 'Tab':
        if (chosen === undefined || event.shiftKey) return false;
        pick(chosen);
        break;
      case 'Escape':
        setDismissed(`${query.start}:${query.query}`);
        break;
      default:
        return false;
    }
    event.preventDefault();
    return true;
  }

  const activeMember = open ? matches[activeIndex] : undefined;
  return {
    picker: open ? (
      <MentionPicker
        matches={matches}
        active={activeIndex}
        loading={loaded === null}
        onPick={pick}
        onHover={setActive}
      />
    ) : null,
    onKeyDown,
    onCaretMove: () => setCaret(input.current?.selectionStart ?? 0),
    mentionsFor: (value) => mentionsIn(value, picks.current),
    reset: () => {
      picks.current = [];
      setDismissed(null);
    },
    fieldProps: enabled
      ? {
          'aria-autocomplete': 'list',
          'aria-controls': open && matches.length > 0 ? MENTION_PICKER_ID : undefined,
          'aria-activedescendant':
            activeMember !== undefined ? mentionOptionId(activeMember.userId) : undefined,
        }
      : {},
  };
}
