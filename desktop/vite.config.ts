import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = import.meta.dirname;

/** The renderer: static files loaded by Electron (file://) or, in tests, by Chromium. */
export default defineConfig({
  root: path.join(here, 'src/renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: path.join(here, 'dist/renderer'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'chrome130',
    // One bundle loaded from the app's own files, never over a network: its size is not a latency cost.
    chunkSizeWarningLimit: 2000,
  },
});
