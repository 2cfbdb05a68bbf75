// The smallest backend: Node's own HTTP server for the page, and the relay on a port of its own.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRelay, createSession, relayOptionsFromEnv } from 'bank-pay-session/relay';
import { serveRelay } from 'bank-pay-session/relay/node';

const options = relayOptionsFromEnv(process.env); // the BPS_* variables (sandbox.env)
const relay = await serveRelay(createRelay(options), { port: Number(process.env.RELAY_PORT ?? 8787) });
const relayOrigin = `http://localhost:${relay.port}`; // as the shopper's browser reaches it

const page = await readFile(new URL('index.html', import.meta.url), 'utf8');
const element = await readFile(new URL(import.meta.resolve('bank-pay-session/standalone')));
const escape = (value) => String(value).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

async function checkoutPage() {
  const session = await createSession({
    provider: options.provider,
    tokenKey: options.tokenKeys[0],
    request: {
      type: 'EFT', direction: 'DEBIT', referenceId: `order-${Date.now()}`, amount: 49.99, // your order
      payor: { firstName: 'Ada', lastName: 'Lovelace' },
    },
  });
  const fields = { ...session, relay: relayOrigin, statusToken: encodeURIComponent(session.cancelToken) };
  return page.replace(/\{\{(\w+)\}\}/g, (_, key) => escape(fields[key]));
}

const server = createServer((req, res) => {
  if (req.url === '/bank-pay-session.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(element);
  if (req.url !== '/') return res.writeHead(404).end();
  checkoutPage().then(
    (html) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html),
    (error) => {
      console.error(error);
      res.writeHead(502).end('could not create the payment session');
    },
  );
});

const port = Number(process.env.PORT ?? 3000);
server.listen(port, () => console.log(`checkout on http://localhost:${port} (relay on ${relayOrigin})`));
