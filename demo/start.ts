/** `npm start`: the whole demo on the embedded sandbox, one Ctrl-C stops it all. */
import { PortInUseError, startStack } from './stack.js';

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

/** BPS_LEASE_SECONDS: the relay's lease, in whole seconds (a short one shows the lease at work). */
function leaseMs(): number | undefined {
  const raw = process.env.BPS_LEASE_SECONDS;
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    console.error(`BPS_LEASE_SECONDS must be a whole number of seconds (1 or more), got "${raw}".`);
    process.exit(2);
  }
  return Number(raw) * 1000;
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
    leaseMs: leaseMs(),
  });
  console.log(`
  bank-pay-session demo is running

    Checkout (plain HTML)   ${stack.demoUrl}
    Merchant server/relay   ${stack.merchantUrl}  (POST /merchant/sessions, /bank-pay/…)
    Provider                ${stack.sandboxUrl ? `${stack.sandboxUrl}  (sandbox: client sandbox-client / sandbox-secret)` : stack.providerUrl}

  Press Ctrl-C to stop everything.
`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await stack.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  if (error instanceof PortInUseError) console.error(`\n${error.message}\n`);
  else console.error('\nThe demo could not start:', error instanceof Error ? error.message : error, '\n');
  process.exit(1);
}
