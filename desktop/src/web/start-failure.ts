/**
 * Shown in place of the app when its engine cannot start in this browser (its Worker failed to
 * load): what happened and what to try, instead of a screen that waits forever.
 */
export function showStartFailure(doc: Document, reason: string): void {
  const root = doc.getElementById('root');
  if (root === null) return;
  const box = doc.createElement('main');
  box.className = 'start-failure';
  const heading = doc.createElement('h1');
  heading.textContent = 'chitchat could not start in this browser';
  const detail = doc.createElement('p');
  detail.textContent = `${reason}. Reload the page; if this persists, use an up-to-date Chromium, Firefox or Safari, or the desktop app.`;
  box.append(heading, detail);
  root.replaceChildren(box);
}
