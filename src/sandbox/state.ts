/**
 * Everything one sandbox holds in memory, wired together: sessions, tokens, faults and
 * webhook deliveries. Per instance, so two sandboxes in one process never share state.
 */

import { NO_FAULTS, type Faults } from './faults.js';
import type { SandboxConfig } from './options.js';
import { SessionStore } from './session-store.js';
import { TokenStore } from './tokens.js';
import { WebhookSender } from './webhooks.js';

export interface SandboxState {
  readonly config: SandboxConfig;
  readonly store: SessionStore;
  readonly tokens: TokenStore;
  readonly webhooks: WebhookSender;
  faults: Faults;
}

export type SandboxEnv = {
  Variables: {
    /** Set by a handler to name what came of a request in the session's history. */
    outcome: string | undefined;
  };
};

export function createSandboxState(config: SandboxConfig): SandboxState {
  const store = new SessionStore(config.now, config);
  const webhooks = new WebhookSender(
    { url: config.webhookUrl, secret: config.webhookSecret, timeoutMs: config.webhookTimeoutMs, fetch: config.fetch, now: config.now },
    (delivery) =>
      store.record(delivery.sessionId, {
        type: 'webhook',
        ...(delivery.responseStatus === null ? {} : { httpStatus: delivery.responseStatus }),
        outcome: delivery.error ?? 'delivered',
      }),
  );
  store.onStatusChange((change) => webhooks.handle(change));
  return { config, store, tokens: new TokenStore(config.now), webhooks, faults: NO_FAULTS };
}

/** Forgets every session, token, fault and delivery. */
export function resetSandboxState(state: SandboxState): void {
  state.store.clear();
  state.tokens.revokeAll();
  state.webhooks.clear();
  state.faults = NO_FAULTS;
}
