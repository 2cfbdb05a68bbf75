// A checkout on Hono (Node): each visit creates a session and writes it into the tag, so the
// hosted flow starts loading with the page. `npm start` runs this TypeScript with tsx.
import { readFile } from 'node:fs/promises';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { createRelay, createSession, relayOptionsFromEnv } from 'bank-pay-session/relay';
import { serveRelay } from 'bank-pay-session/relay/node';

const options = relayOptionsFromEnv(process.env); // the BPS_* variables (sandbox.env)
const relay = createRelay(options);
// The element's one-file build, served from this origin (no CDN to trust).
const element = await readFile(new URL(import.meta.resolve('bank-pay-session/standalone')));

const app = new Hono();
app.route('/', relay); // POST /bank-pay/cancel, GET /bank-pay/sessions/:id/status, POST /bank-pay/webhooks
app.get('/bank-pay-session.js', (c) => c.body(element, 200, { 'content-type': 'text/javascript' }));

app.get('/', async (c) => {
  const lang = c.req.query('lang') === 'fr' ? 'fr' : 'en';
  const session = await createSession({
    provider: options.provider,
    tokenKey: options.tokenKeys[0]!,
    request: {
      type: 'EFT', direction: 'DEBIT', referenceId: `order-${Date.now()}`, amount: 49.99, // your order
      payor: { firstName: 'Ada', lastName: 'Lovelace' },
      options: { notificationPreferences: { language: lang === 'fr' ? 'FR' : 'EN' } },
    },
  });
  const statusUrl = `/bank-pay/sessions/${session.sessionId}/status?token=${encodeURIComponent(session.cancelToken)}`;
  c.header('cache-control', 'no-store'); // every visit is a new session
  return c.html(html`<!doctype html>
<html lang="${lang}">
<meta charset="utf-8">
<title>Checkout</title>
<script type="module" src="/bank-pay-session.js"></script>
<h1>Pay by bank</h1>
<bank-pay-session src="${session.url}" session-id="${session.sessionId}" cancel-token="${session.cancelToken}"
  cancel-url="/bank-pay/cancel" status-url="${statusUrl}" expires-at="${session.expiresAt}"></bank-pay-session>
<script type="module">
  // "Start again": a new visit, so a new session.
  document.querySelector('bank-pay-session').addEventListener('bps-restart', () => location.reload());
</script>
</html>`);
});

const port = Number(process.env.PORT ?? 3000);
await serveRelay(app, { port, relay, handleSignals: true }); // on SIGTERM: drain the relay's retries, then exit
console.log(`checkout on http://localhost:${port}`);
