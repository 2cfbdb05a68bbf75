/**
 * Child process: the Vite dev server for the benchmark pages (bench/pages/*, demo/*), with
 * the demo's proxy to the merchant server, and the first-paint pages served as they are
 * (raw-files.ts). BENCH_PAGES_PORT, BENCH_MERCHANT_PORT.
 */
import { fileURLToPath } from 'node:url';
import { createServer as createViteServer } from 'vite';
import { announceFailure, announceReady } from '../lib/child.js';
import { rawFiles } from './raw-files.js';

export interface PagesReady {
  readonly demoUrl: string;
}

try {
  const port = Number(process.env.BENCH_PAGES_PORT);
  const merchant = `http://127.0.0.1:${Number(process.env.BENCH_MERCHANT_PORT)}`;
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const vite = await createViteServer({
    configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)),
    root,
    plugins: [rawFiles(root)],
    logLevel: 'error',
    clearScreen: false,
    server: {
      port,
      strictPort: true,
      host: '127.0.0.1',
      // No file watching: a reload is a page unload, which would cancel the session under test.
      hmr: false,
      watch: null,
      proxy: { '/bank-pay': merchant, '/merchant': merchant },
    },
  });
  await vite.listen();
  const stop = () => void vite.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  announceReady({ demoUrl: `http://localhost:${port}/` } satisfies PagesReady);
} catch (error) {
  announceFailure(error);
  process.exit(1);
}
