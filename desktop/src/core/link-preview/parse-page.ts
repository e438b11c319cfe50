import {
  LINK_PREVIEW_DESCRIPTION_MAX_LENGTH,
  LINK_PREVIEW_TITLE_MAX_LENGTH,
} from '@chitchat/shared';

/** What a page says about itself, as a preview shows it. */
export interface PageFacts {
  title: string;
  description: string | null;
  /** Absolute http(s) address of the preview image, if the page names one. */
  imageUrl: string | null;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00A0',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
  copy: '©',
};

/** Decodes the character references a title or description may hold. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code =
        ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      // Surrogates and out-of-range numbers are not characters: keep the text as written.
      const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
      return valid ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** Attributes of one tag (`<meta property="og:title" content="…">`), names lower-cased. */
function attributesOf(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const pattern = /([^\s=/>"']+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>"']+))/g;
  for (const match of tag.matchAll(pattern)) {
    const name = match[1]?.toLowerCase();
    const value = match[3] ?? match[4] ?? match[5] ?? '';
    if (name !== undefined && !attributes.has(name)) attributes.set(name, decodeEntities(value));
  }
  return attributes;
}

/** C0 and C1 controls (and DEL): never shown in a card. */
const isControl = (c: string): boolean => {
  const code = c.codePointAt(0) ?? 0;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
};

/** Collapses whitespace (and removes controls) and cuts to `max` characters on a code point. */
function tidy(text: string, max: number): string {
  const single = Array.from(text, (c) => (isControl(c) ? ' ' : c))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  if (single.length <= max) return single;
  const cut = Array.from(single.slice(0, max - 1));
  // Slicing may split a surrogate pair; Array.from keeps the lone half, so drop it.
  const last = cut.at(-1) ?? '';
  if (/[\uD800-\uDFFF]/.test(last)) cut.pop();
  return `${cut.join('').trimEnd()}…`;
}

function absoluteHttp(address: string, base: URL): string | null {
  try {
    const url = new URL(address.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Reads title, description and image from a page's HTML: Open Graph first, then Twitter cards,
 * then `<title>`, `<meta name="description">` and `<link rel="image_src">`. Null when the page
 * has no title at all (nothing worth a card). Only the head matters, so a cut-off page is fine.
 */
export function parsePage(html: string, pageUrl: URL): PageFacts | null {
  const meta = new Map<string, string>();
  for (const match of html.matchAll(/<meta\b[^>]*>/gi)) {
    const attributes = attributesOf(match[0]);
    const key = (attributes.get('property') ?? attributes.get('name') ?? '').toLowerCase();
    const content = attributes.get('content');
    if (key !== '' && content !== undefined && !meta.has(key)) meta.set(key, content);
  }
  let imageLink: string | undefined;
  for (const match of html.matchAll(/<link\b[^>]*>/gi)) {
    const attributes = attributesOf(match[0]);
    if ((attributes.get('rel') ?? '').toLowerCase().split(/\s+/).includes('image_src')) {
      imageLink = attributes.get('href');
      break;
    }
  }
  const titleTag = /<title\b[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const first = (...candidates: (string | undefined)[]) =>
    candidates.find((c) => c !== undefined && c.trim() !== '');

  const rawTitle = first(
    meta.get('og:title'),
    meta.get('twitter:title'),
    titleTag && decodeEntities(titleTag),
  );
  if (rawTitle === undefined) return null;
  const title = tidy(rawTitle, LINK_PREVIEW_TITLE_MAX_LENGTH);
  if (title === '') return null;
  const rawDescription = first(
    meta.get('og:description'),
    meta.get('twitter:description'),
    meta.get('description'),
  );
  const description =
    rawDescription === undefined ? '' : tidy(rawDescription, LINK_PREVIEW_DESCRIPTION_MAX_LENGTH);
  const rawImage = first(
    meta.get('og:image:secure_url'),
    meta.get('og:image'),
    meta.get('og:image:url'),
    meta.get('twitter:image'),
    meta.get('twitter:image:src'),
    imageLink,
  );
  return {
    title,
    description: description === '' ? null : description,
    imageUrl: rawImage === undefined ? null : absoluteHttp(rawImage, pageUrl),
  };
}
