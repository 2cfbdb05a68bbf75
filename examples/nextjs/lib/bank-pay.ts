// Server code only (Server Components and route handlers import it): the provider credentials
// and the token key come from the environment (.env holds the sandbox's) and never reach the
// browser.
import { createSession, relayOptionsFromEnv, type CreatedSession, type RelayOptions } from 'bank-pay-session/relay';

let options: RelayOptions | undefined;

/** Read on first use, not at import, so `next build` needs no secrets. */
export function relayOptions(): RelayOptions {
  return (options ??= relayOptionsFromEnv(process.env));
}

/** A new provider session for this checkout, and its cancel token. */
export function createCheckoutSession(order: { referenceId: string; amount: number; lang: 'en' | 'fr' }): Promise<CreatedSession> {
  const { provider, tokenKeys } = relayOptions();
  return createSession({
    provider,
    tokenKey: tokenKeys[0]!, // the first key signs; the others are still accepted (rotation)
    request: {
      type: 'EFT',
      direction: 'DEBIT',
      referenceId: order.referenceId,
      amount: order.amount,
      payor: { firstName: 'Ada', lastName: 'Lovelace' },
      options: { notificationPreferences: { language: order.lang === 'fr' ? 'FR' : 'EN' } },
    },
  });
}
