// The checkout: a Server Component. It creates the provider session while it renders, so the
// HTML already holds the whole <bank-pay-session> tag with the hosted flow's <iframe> inside it:
// the flow starts loading while the browser parses the page, before any script has run.
import Link from 'next/link';
import { connection } from 'next/server';
import { BankPaySession } from 'bank-pay-session/react';
import { createCheckoutSession } from '../lib/bank-pay';
import { CheckoutEvents } from './checkout-events';

export default async function CheckoutPage() {
  await connection(); // a new session for every visit: never prerendered at build time
  const session = await createCheckoutSession({ referenceId: `order-${Date.now()}`, amount: 42.5, lang: 'en' });
  const status = `/bank-pay/sessions/${session.sessionId}/status?token=${encodeURIComponent(session.cancelToken)}`;

  return (
    <main>
      <h1>Pay by bank</h1>
      <p>Order total: $42.50</p>
      {/* Rendered right here by the Server Component: its props are plain data. */}
      <BankPaySession
        src={session.url}
        sessionId={session.sessionId}
        cancelUrl="/bank-pay/cancel"
        cancelToken={session.cancelToken}
        statusUrl={status}
        expiresAt={session.expiresAt}
        lang="en"
      />
      {/* Event handlers are functions, so they live in a Client Component. */}
      <CheckoutEvents />
      <p>
        {/* Leaving for another page of the app unmounts the element: the session is cancelled. */}
        <Link href="/cart">Back to cart</Link>
      </p>
    </main>
  );
}
