// The checkout's backend: the page, the route that creates the payment session, and the relay.
import express from 'express';
import { createRelay, createSession, relayOptionsFromEnv } from 'bank-pay-session/relay';
import { getRequestListener } from 'bank-pay-session/relay/node';

const options = relayOptionsFromEnv(process.env); // the BPS_* variables (sandbox.env)
const relay = createRelay(options);
const relayListener = getRequestListener(relay.fetch);

const app = express();
// The relay reads its own request bodies: mount it before any body parser.
app.use((req, res, next) => (req.path.startsWith('/bank-pay/') ? relayListener(req, res) : next()));
app.use(express.static('public')); // the checkout page: public/index.html

app.post('/checkout/session', express.json(), async (req, res) => {
  const session = await createSession({
    provider: options.provider,
    tokenKey: options.tokenKeys[0],
    request: {
      type: 'EFT', direction: 'DEBIT', referenceId: `order-${Date.now()}`, amount: 49.99, // your order
      payor: { firstName: 'Ada', lastName: 'Lovelace' },
      // The hosted flow speaks the page's language.
      options: { notificationPreferences: { language: req.body?.lang === 'fr' ? 'FR' : 'EN' } },
    },
  });
  const statusUrl = `/bank-pay/sessions/${session.sessionId}/status?token=${encodeURIComponent(session.cancelToken)}`;
  res.json({ ...session, statusUrl }); // sessionId, url, cancelToken, expiresAt: none of it is a secret
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.log(`checkout on http://localhost:${port}`));
