/** Characters left below which a field shows its count (a limit is told before it is hit). */
const COUNT_FROM = 20;

/** "12 left" once a field is near its limit (the field itself stops at it). */
export function CharactersLeft({ text, max }: { text: string; max: number }) {
  const left = max - text.length;
  if (left > COUNT_FROM) return null;
  return <span className="poll-count muted">{left} left</span>;
}
