/**
 * `SessionSetupStatusChanged` deliveries: one signed POST when a session becomes Completed,
 * Failed or Cancelled (never Expired), no retries, as docs/provider.md says. Every attempt is
 * kept (bounded) for the test controls.
 */

import { WEBHOOK_EVENT_TYPE, WEBHOOK_SIGNATURE_HEADER, signWebhook, type WebhookPayload } from '../protocol/webhook.js';
import { spelledStatus, type SandboxSession } from './session.js';
import type { StatusChange } from './session-store.js';

export interface WebhookDelivery {
  /** ISO time the delivery was started. */
  readonly at: string;
  readonly url: string;
  readonly sessionId: string;
  /** The raw body exactly as sent (the signature covers these bytes). */
  readonly body: string;
  /** The `X-Webhook-Signature` header value. */
  readonly signature: string;
  /** The receiver's HTTP status, or null while pending or when it could not be reached. */
  responseStatus: number | null;
  /** Why the delivery failed (network error or timeout), when it did. */
  error?: string;
}

function shouldSendWebhook(change: StatusChange): boolean {
  return change.session.status === 'Completed' || change.session.status === 'Failed' || change.session.status === 'Cancelled';
}

/** The exact payload; key order is fixed so the documented JSON is what goes over the wire. */
function webhookPayload(session: SandboxSession, when: number): WebhookPayload {
  return {
    eventType: WEBHOOK_EVENT_TYPE,
    sessionId: session.sessionId,
    referenceId: session.referenceId,
    amount: session.amount,
    status: spelledStatus(session),
    statusDetails: session.statusDetails,
    when: new Date(when).toISOString(),
  };
}

export interface WebhookSenderConfig {
  readonly url: string | undefined;
  readonly secret: string;
  readonly timeoutMs: number;
  readonly fetch: typeof fetch;
  readonly now: () => number;
}

const MAX_DELIVERIES_KEPT = 500;

export class WebhookSender {
  readonly #deliveries: WebhookDelivery[] = [];
  readonly #pending = new Set<Promise<void>>();

  constructor(
    private readonly config: WebhookSenderConfig,
    private readonly onDelivered: (delivery: WebhookDelivery) => void = () => undefined,
  ) {}

  /** Starts a delivery for this change if one is due; returns at once. */
  handle(change: StatusChange): void {
    if (!this.config.url || !shouldSendWebhook(change)) return;
    const body = JSON.stringify(webhookPayload(change.session, this.config.now()));
    const task = this.deliver(this.config.url, change.session.sessionId, body).finally(() => this.#pending.delete(task));
    this.#pending.add(task);
  }

  deliveries(): readonly WebhookDelivery[] {
    return this.#deliveries;
  }

  clear(): void {
    this.#deliveries.length = 0;
  }

  /** Resolves when every delivery started so far has finished. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  private async deliver(url: string, sessionId: string, body: string): Promise<void> {
    const signature = await signWebhook(body, this.config.secret);
    const delivery: WebhookDelivery = { at: new Date(this.config.now()).toISOString(), url, sessionId, body, signature, responseStatus: null };
    this.#deliveries.push(delivery);
    if (this.#deliveries.length > MAX_DELIVERIES_KEPT) this.#deliveries.shift();
    try {
      const response = await this.config.fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          [WEBHOOK_SIGNATURE_HEADER]: signature,
          'User-Agent': 'bank-pay-session-sandbox',
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      delivery.responseStatus = response.status;
      await response.body?.cancel().catch(() => undefined);
    } catch (error) {
      delivery.error = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'could not be delivered';
    }
    this.onDelivered(delivery);
  }
}
