/** The Web Lock held by the tab whose Worker owns the database (engine.worker.ts). */
export const ENGINE_LOCK = 'chitchat-engine';
