/** `npm start`: the whole demo on the embedded sandbox, one Ctrl-C stops it all. */
import { PortInUseError, startStack, type StackOptions } from './stack.js';

function seconds(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a whole number of seconds, got "${raw}".`);
    process.exit(2);
  }
  return value;
}

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    console.error(`${name} must be a port number (1-65535), got "${raw}".`);
    process.exit(2);
  }
  return value;
}

try {
  const stack = await startStack({
    sandboxPort: port('BPS_SANDBOX_PORT', 4010),
    merchantPort: port('BPS_MERCHANT_PORT', 8787),
    demoPort: port('BPS_DEMO_PORT', 5173),
    providerUrl: process.env.BPS_PROVIDER_URL || undefined,
    clientId: process.env.BPS_CLIENT_ID || undefined,
    clientSecret: process.env.BPS_CLIENT_SECRET || undefined,
    tokenKeys: process.env.BPS_TOKEN_KEYS ? process.env.BPS_TOKEN_KEYS.split(',').map((key) => key.trim()) : undefined,
    webhookSecret: process.env.BPS_WEBHOOK_SECRET || undefined,
    leaseMs: (seconds('BPS_LEASE_SECONDS') ?? 0) * 1000 || undefined,
    // deny / same-origin: a provider page that refuses frames, or cuts its opener (the element's popup mode).
    sandboxFraming: (process.env.BPS_SANDBOX_FRAMING || undefined) as StackOptions['sandboxFraming'],
    sandboxCoop: (process.env.BPS_SANDBOX_COOP || undefined) as StackOptions['sandboxCoop'],
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await stack.close();
    process.exit(0);
  };
  // Before the banner: whoever reads it may press Ctrl-C at once.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const page = (path: string) => new URL(path, stack.demoUrl).toString();
  console.log(`
  bank-pay-session demo is running

    Checkout, plain HTML    ${page('/')}
    Checkout, React         ${page('/demo/react.html')}
    Checkout, Vue           ${page('/demo/vue.html')}
    Merchant server/relay   ${stack.merchantUrl}  (POST /merchant/sessions, /bank-pay/…)
    Provider                ${stack.sandboxUrl ? `${stack.sandboxUrl}  (sandbox: client sandbox-client / sandbox-secret)` : stack.providerUrl}

  Ports: BPS_DEMO_PORT (pages), BPS_MERCHANT_PORT (merchant server), BPS_SANDBOX_PORT (sandbox).
  A real provider instead of the sandbox: BPS_PROVIDER_URL, BPS_CLIENT_ID, BPS_CLIENT_SECRET.
  A short lease, to watch the relay cancel for a killed browser: BPS_LEASE_SECONDS=5.

  Press Ctrl-C to stop everything.
`);
} catch (error) {
  if (error instanceof PortInUseError) console.error(`\n${error.message}\n`);
  else console.error('\nThe demo could not start:', error instanceof Error ? error.message : error, '\n');
  process.exit(1);
}
