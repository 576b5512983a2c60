import { defineConfig, type Plugin } from 'vite';

// Cross-origin isolation (COOP + COEP) makes SharedArrayBuffer available, so tfjs' wasm backend
// can start its threaded-SIMD build; without these headers the page runs single-threaded.
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * @rnnkit/datasets' CSV loader imports `csv-parse/sync`, whose Node build reads `Buffer` when it
 * is evaluated: the production bundle drops it (unused), but the dev server evaluates every
 * module and the page died with "Buffer is not defined". csv-parse ships a browser ES build.
 */
function csvParseForBrowsers(): Plugin {
  return {
    name: 'csv-parse-browser-build',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (source !== 'csv-parse/sync') return null;
      const resolved = await this.resolve(source, importer, { skipSelf: true });
      return resolved ? resolved.id.replace(/\/lib\/sync\.js(?=$|\?)/, '/dist/esm/sync.js') : null;
    },
  };
}

export default defineConfig({
  plugins: [csvParseForBrowsers()],
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  // The training worker imports tfjs-backend-wasm lazily (initBackend): only ES-module workers
  // can split chunks.
  worker: { format: 'es', plugins: () => [csvParseForBrowsers()] },
  // Dependencies are pre-bundled without the plugin: keep csv-parse out, so it goes through it.
  optimizeDeps: { exclude: ['csv-parse'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
