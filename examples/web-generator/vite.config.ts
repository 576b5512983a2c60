import { defineConfig } from 'vite';

// Cross-origin isolation (COOP + COEP) makes SharedArrayBuffer available, so tfjs' wasm backend
// can start its threaded-SIMD build; without these headers the page runs single-threaded.
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  // The training worker imports tfjs-backend-wasm lazily (initBackend): only ES-module workers
  // can split chunks.
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
