import { useState } from 'react';

const LABELS = { everyone: 'Everyone', contacts: 'My contacts', nobody: 'Nobody' } as const;
type Audience = keyof typeof LABELS;

/**
 * One "who sees / who can" setting of the privacy section (DESIGN §3's audience rule). The choice
 * just made shows at once until the server's answer replaces it, as GroupSettings does: a select
 * controlled by the profile alone would snap back for the round trip.
 */
export function AudienceSelect<A extends Audience>({
  label,
  value,
  choices,
  save,
}: {
  label: string;
  value: A;
  choices: readonly A[];
  save: (audience: A) => Promise<unknown>;
}) {
  const [pending, setPending] = useState<A | null>(null);
  return (
    <label className="setting">
      {label}
      <select
        value={pending ?? value}
        onChange={(e) => {
          const audience = choices.find((choice) => choice === e.target.value);
          if (audience === undefined) return;
          setPending(audience);
          // The caller reports a refusal; the select then shows the profile's value again.
          void save(audience).finally(() => setPending(null));
        }}
      >
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {LABELS[choice]}
          </option>
        ))}
      </select>
    </label>
  );
}
