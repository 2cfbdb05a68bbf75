// The relay, mounted at /bank-pay/*: the element's cancel (POST /bank-pay/cancel), its status
// checks and heartbeats, and the provider's webhooks. It is stateless apart from its in-memory
// lease ledger; with several instances, give it a shared store (see the relay docs).
import { createRelay, type RelayApp } from 'bank-pay-session/relay';
import { relayOptions } from '../../../lib/bank-pay';

let relay: RelayApp | undefined; // created on first request, so `next build` needs no secrets

function handle(request: Request): Response | Promise<Response> {
  return (relay ??= createRelay(relayOptions())).fetch(request);
}

export { handle as GET, handle as POST, handle as OPTIONS };
