/**
 * A real sandbox and a real relay, both on loopback port 0, for the relay's integration
 * tests. Retry timings are small so the suite takes seconds; everything else is the relay as
 * a merchant runs it.
 */

import { randomBytes } from 'node:crypto';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../src/sandbox/index.js';
import { createRelay, createSession, type CreatedSession, type RelayApp, type RelayOptions } from '../../src/relay/index.js';
import { serveRelay, type ServedRelay } from '../../src/relay/node.js';
import type { InitiateSessionRequest } from '../../src/protocol/initiate-request.js';
import type { CancelResponse } from '../../src/protocol/cancel-request.js';
import type { LeaseSignal, SignalResponse } from '../../src/protocol/signal-request.js';
import { freePort } from '../../demo/free-port.js';

export const SHOP_ORIGIN = 'https://shop.example';
export const CLIENT = { clientId: 'relay-test-client', clientSecret: 'relay-test-secret-9f8e7d6c' };
export const WEBHOOK_SECRET = 'whsec-relay-tests-0123456789abcdef';

/** The environment a relay process (`bank-pay-session relay`) needs against a sandbox: no BPS_* from the shell. */
export function relayEnv(providerUrl: string, tokenKeys: string | readonly string[]): Record<string, string> {
  return {
    BPS_PROVIDER_URL: providerUrl,
    BPS_CLIENT_ID: CLIENT.clientId,
    BPS_CLIENT_SECRET: CLIENT.clientSecret,
    BPS_TOKEN_KEYS: typeof tokenKeys === 'string' ? tokenKeys : tokenKeys.join(','),
    BPS_ALLOWED_ORIGINS: SHOP_ORIGIN,
  };
}

export function randomKey(): string {
  return randomBytes(32).toString('base64url');
}

export const EFT_REQUEST: InitiateSessionRequest = {
  type: 'EFT',
  direction: 'DEBIT',
  referenceId: 'order-1001',
  amount: 42.5,
  options: { guarantee: { enable: false }, redirectPreferences: { mode: 'JsEvents' } },
  payor: { firstName: 'Alex', lastName: 'Tremblay', email: 'alex@example.com' },
};

export interface SandboxSessionView {
  session: { sessionId: string; status: string; statusDetails: string; referenceId: string };
  history: Array<{ at: string; type: string; httpStatus?: number; outcome?: string }>;
  cancelCalls: number;
}

export interface Harness {
  readonly sandbox: RunningSandbox;
  readonly relay: RelayApp;
  readonly relayUrl: string;
  readonly tokenKeys: readonly string[];
  /** Every line the relay logged, in order. */
  readonly logs: Array<Record<string, unknown>>;
  /** Every request the relay sent to the provider (method + path). */
  readonly providerRequests: string[];
  /** `track`: register it in the relay's lease ledger at creation (`relay.track`). */
  newSession(overrides?: Partial<InitiateSessionRequest>, tokenKey?: string, sessionTimeoutMs?: number, track?: boolean): Promise<CreatedSession>;
  inspect(sessionId: string): Promise<SandboxSessionView>;
  faults(faults: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
  force(sessionId: string, status: string, statusDetails?: string): Promise<void>;
  /** POST {relay}/bank-pay/cancel with a raw body. */
  post(body: string, options?: { contentType?: string | null; origin?: string | null; path?: string }): Promise<Response>;
  cancel(session: CreatedSession, options?: { origin?: string | null; token?: string; reason?: string }): Promise<{ http: number; body: CancelResponse }>;
  /** POST {relay}/bank-pay/signals, as the element sends it. */
  signal(session: CreatedSession, signal: LeaseSignal, options?: { token?: string }): Promise<{ http: number; body: Partial<SignalResponse> }>;
  auditLines(sessionId?: string): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly relay?: Partial<RelayOptions>;
  readonly sandbox?: StartSandboxOptions;
  /** Serve this relay against a sandbox already running (another harness's), which close() leaves running. */
  readonly sharedSandbox?: RunningSandbox;
  /** Have the sandbox deliver its webhooks to this relay (the relay's port is chosen first). */
  readonly deliverWebhooks?: boolean;
}


export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const relayPort = options.deliverWebhooks ? await freePort() : 0;
  const sandbox = options.sharedSandbox ?? await startSandbox({
    port: 0,
    clients: [CLIENT],
    webhookSecret: WEBHOOK_SECRET,
    allowedOrigins: [SHOP_ORIGIN],
    ...(options.deliverWebhooks ? { webhookUrl: `http://127.0.0.1:${relayPort}/bank-pay/webhooks` } : {}),
    ...options.sandbox,
  });
  const closeSandbox = () => (options.sharedSandbox ? Promise.resolve() : sandbox.close());
  const tokenKeys = options.relay?.tokenKeys ?? [randomKey()];
  const logs: Array<Record<string, unknown>> = [];
  const providerRequests: string[] = [];
  const countingFetch: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    providerRequests.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    return fetch(input, init);
  };
  let relay: RelayApp;
  try {
    relay = createRelay({
    provider: { url: sandbox.url, ...CLIENT },
    tokenKeys,
    allowedOrigins: [SHOP_ORIGIN],
    webhookSecret: WEBHOOK_SECRET,
    log: (line) => logs.push(line),
    answerWithinMs: 1500,
    providerTimeoutMs: 1000,
    backoff: { baseDelayMs: 10, maxDelayMs: 100 },
    fetch: countingFetch,
    ...options.relay,
  });
  } catch (error) {
    await closeSandbox();
    throw error;
  }
  let served: ServedRelay;
  try {
    served = await serveRelay(relay, { port: relayPort, host: '127.0.0.1', drainTimeoutMs: 3000 });
  } catch (error) {
    await closeSandbox();
    throw error;
  }

  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`sandbox control ${method} ${path} answered ${response.status}: ${await response.text()}`);
    return response.status === 204 ? undefined : response.json();
  };

  const harness: Harness = {
    sandbox,
    relay,
    relayUrl: served.url,
    tokenKeys,
    logs,
    providerRequests,
    async newSession(overrides = {}, tokenKey = tokenKeys[0]!, sessionTimeoutMs, track = false) {
      return createSession({
        ...(track ? { track: relay.track } : {}),
        provider: { url: sandbox.url, ...CLIENT },
        tokenKey,
        request: { ...EFT_REQUEST, referenceId: `order-${Math.random().toString(36).slice(2, 10)}`, ...overrides },
        ...(sessionTimeoutMs ? { sessionTimeoutMs } : {}),
      });
    },
    async inspect(sessionId) {
      return (await control('GET', `/sandbox/sessions/${sessionId}`)) as SandboxSessionView;
    },
    async faults(faults) {
      await control('PUT', '/sandbox/faults', faults);
    },
    async clearFaults() {
      await control('DELETE', '/sandbox/faults');
    },
    async force(sessionId, status, statusDetails) {
      await control('POST', `/sandbox/sessions/${sessionId}/force`, { status, ...(statusDetails ? { statusDetails } : {}) });
    },
    async post(body, { contentType = 'text/plain;charset=UTF-8', origin = SHOP_ORIGIN, path = '/bank-pay/cancel' } = {}) {
      const headers: Record<string, string> = {};
      if (contentType !== null) headers['content-type'] = contentType;
      if (origin !== null) headers.origin = origin;
      // A string body would get fetch's own text/plain content type; bytes get none.
      const payload = contentType === null ? new TextEncoder().encode(body) : body;
      return fetch(`${served.url}${path}`, { method: 'POST', headers, body: payload });
    },
    async cancel(session, { origin = SHOP_ORIGIN, token = session.cancelToken, reason = 'close-button' } = {}) {
      const response = await harness.post(JSON.stringify({ sessionId: session.sessionId, token, reason }), { origin });
      return { http: response.status, body: (await response.json()) as CancelResponse };
    },
    async signal(session, signal, { token = session.cancelToken } = {}) {
      const response = await harness.post(JSON.stringify({ sessionId: session.sessionId, token, signal }), { path: '/bank-pay/signals' });
      return { http: response.status, body: (await response.json()) as Partial<SignalResponse> };
    },
    auditLines(sessionId) {
      return logs.filter((line) => line.type === 'bank-pay.cancel' && (sessionId === undefined || line.sessionId === sessionId));
    },
    async close() {
      await served.close();
      await closeSandbox();
    },
  };
  return harness;
}

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The sandbox history entries of one type, e.g. every cancel call with its answer. */
export function historyOf(view: SandboxSessionView, type: string): Array<{ httpStatus?: number; outcome?: string }> {
  return view.history.filter((entry) => entry.type === type).map(({ httpStatus, outcome }) => ({ httpStatus, outcome }));
}
