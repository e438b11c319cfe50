import type { ConversationView, MessageView } from '../../common/contract';

/*
 * The readable half of "export my data": one plain HTML page per chat and an index, with no script
 * and no remote resource (a strict CSP in the page says so), every piece of people's text escaped
 * and laid out in its own direction (dir="auto"), photos shown from the archive's media folder.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#111;background:#fff}
h1{font-size:1.4rem}.meta{color:#555;font-size:.85rem}.msg{margin:.6rem 0;padding:.5rem .75rem;border-radius:.6rem;background:#f1f3f4}
.own{background:#dcf3e6}.system{background:none;color:#555;text-align:center;font-size:.85rem}.from{font-weight:600}
.quote{border-left:3px solid #1a7f5a;padding-left:.5rem;color:#444;margin:.25rem 0}.text{white-space:pre-wrap;overflow-wrap:anywhere}
img{max-width:100%;border-radius:.4rem}@media (prefers-color-scheme:dark){body{background:#111;color:#eee}.msg{background:#222}.own{background:#16372a}.meta,.system,.quote{color:#aaa}}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title dir="auto">${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>${body}</body></html>
`;
}

const when = (at: number) => new Date(at).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

/** The page of one chat; `mediaPath` names an attachment's file in the archive (null: not saved). */
export function conversationHtml(
  conversation: ConversationView,
  messages: readonly MessageView[],
  mediaPath: (attachmentId: string) => string | null,
): string {
  const items = messages.map((m) => {
    if (m.systemText !== null)
      return `<p class="msg system" dir="auto">${escapeHtml(m.systemText)} · ${when(m.createdAt)}</p>`;
    const parts = [
      `<div class="meta"><span class="from" dir="auto">${escapeHtml(m.senderName)}</span> · ${when(m.createdAt)}${
        m.editedAt !== null ? ' · edited' : ''
      }${m.forwarded ? ' · forwarded' : ''}</div>`,
    ];
    if (m.replyTo !== null)
      parts.push(
        `<div class="quote" dir="auto">${escapeHtml(m.replyTo.senderName)}: ${escapeHtml(m.replyTo.text ?? '…')}</div>`,
      );
    if (m.deletedAt !== null)
      parts.push('<div class="text"><em>This message was deleted.</em></div>');
    if (m.poll)
      parts.push(
        `<div class="text" dir="auto">📊 ${escapeHtml(m.poll.question)}<br>${m.poll.options
          .map((o) => `• ${escapeHtml(o.text)} (${o.votes})`)
          .join('<br>')}</div>`,
      );
    else if (m.text !== null)
      parts.push(`<div class="text" dir="auto">${escapeHtml(m.text)}</div>`);
    for (const a of m.attachments) {
      const file = mediaPath(a.id);
      const label = escapeHtml(a.name);
      if (file === null) parts.push(`<div class="meta">📎 ${label} (not in this export)</div>`);
      else if (a.mime.startsWith('image/'))
        parts.push(`<div><img src="../${escapeHtml(file)}" alt="${label}"></div>`);
      else parts.push(`<div>📎 <a href="../${escapeHtml(file)}">${label}</a></div>`);
    }
    return `<div class="msg${m.own ? ' own' : ''}">${parts.join('')}</div>`;
  });
  const heading = `<h1 dir="auto">${escapeHtml(conversation.title)}</h1><p class="meta">${
    conversation.kind === 'group' ? 'Group' : 'Direct chat'
  } · ${messages.length} entries</p>`;
  return page(conversation.title, heading + items.join('\n'));
}

/** The archive's front page: who, when, and a link to each chat. */
export function indexHtml(
  owner: { displayName: string; username: string },
  server: string,
  chats: readonly { title: string; file: string; messages: number }[],
  exportedAt: number,
): string {
  const list = chats
    .map(
      (c) =>
        `<li><a href="${escapeHtml(c.file)}" dir="auto">${escapeHtml(c.title)}</a> <span class="meta">(${c.messages})</span></li>`,
    )
    .join('\n');
  return page(
    'chitchat export',
    `<h1>chitchat export</h1><p class="meta"><span dir="auto">${escapeHtml(owner.displayName)}</span> (@${escapeHtml(
      owner.username,
    )}) on ${escapeHtml(server)} · ${when(exportedAt)}</p><ul>${list}</ul>`,
  );
}
