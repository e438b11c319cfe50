import type { MessageView } from '../../../common/contract';
import { IconMic } from '../Icons';

/**
 * The microphone beside a voice note, as WhatsApp draws it: on your notes grey until every other
 * member played it, then blue; on others' notes in the accent colour until you played it (here or
 * on another of your devices), then blue.
 */
export function VoicePlayedMark({ message: m }: { message: MessageView }) {
  const played = m.played;
  const done = m.own ? played?.everyone === true : played?.byMe === true;
  const label = m.own
    ? done
      ? 'Played'
      : (played?.by.length ?? 0) > 0
        ? `Played by ${played?.by.map((p) => p.name).join(', ')}`
        : 'Not played yet'
    : done
      ? 'Played'
      : 'Not played yet';
  return (
    <span
      className={`voice-played-mark${done ? ' played' : m.own ? '' : ' new'}`}
      data-played={done ? 'true' : 'false'}
    >
      <IconMic size={14} label={label} />
    </span>
  );
}
