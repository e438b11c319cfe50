import { createContext } from 'react';
import type { AppStore } from '../state/store';

/**
 * The store avatars load profile photos through (thumbnails from the engine's media cache), given
 * once at the root so every Avatar can show a photo without each caller passing the store.
 */
export const AvatarMediaContext = createContext<AppStore | null>(null);
