/**
 * Names of the screen's elements whose first paint the browser's Element Timing API reports (a
 * PerformanceObserver of type `element` sees an entry with this `identifier`).
 * `npm run bench -- engine-browser` reads the web app's first paint of a cached chat list after a
 * reload from the chat list's rows (ChatRow.tsx).
 */
export const CHAT_LIST_ELEMENT_TIMING = 'chat-list-row';
