import { defineConfig } from 'vite';

const merchantPort = Number(process.env.BPS_MERCHANT_PORT ?? 8787);
const demoPort = Number(process.env.BPS_DEMO_PORT ?? 5173);

export default defineConfig({
  server: {
    port: demoPort,
    strictPort: true,
    proxy: {
      '/bank-pay': `http://127.0.0.1:${merchantPort}`,
      '/merchant': `http://127.0.0.1:${merchantPort}`,
    },
  },
});
