/**
 * Links in message text, as both the composer (to offer a preview) and the engine see them.
 * Pure string work: no URL is ever fetched here.
 */

/** The first http(s) URL in a text, as the composer offers a preview for it; null when none. */
export function firstLinkIn(text: string): string | null {
  for (const match of text.matchAll(/\bhttps?:\/\/[^\s<>"'`]+/gi)) {
    // Closing punctuation belongs to the sentence, not the link.
    const candidate = match[0].replace(/[.,;:!?)\]}'"]+$/, '');
    try {
      const url = new URL(candidate);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '') {
        return candidate;
      }
    } catch {
      // Not a URL after all: look further.
    }
  }
  return null;
}
