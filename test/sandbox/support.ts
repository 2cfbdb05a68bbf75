/**
 * Helpers for the sandbox's contract tests: a sandbox on a free loopback port, raw HTTP
 * calls against it, and the usual authorize → initiate set-up. Every call goes over real
 * HTTP; nothing here reaches into the sandbox's memory.
 */

import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../src/sandbox/index.js';

export const CLIENT_ID = 'sandbox-client';
export const CLIENT_SECRET = 'sandbox-secret';

export async function start(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  return startSandbox({ port: 0, ...options });
}

export function basic(clientId = CLIENT_ID, secret = CLIENT_SECRET): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
}

export async function authorize(base: string, clientId = CLIENT_ID, secret = CLIENT_SECRET): Promise<string> {
  const response = await fetch(`${base}/api/v1/authorize`, {
    method: 'POST',
    headers: { Authorization: basic(clientId, secret), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  assert.equal(response.status, 200, `authorize answered ${response.status}`);
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

export type Product = 'EFT' | 'GEFT' | 'e-Transfer';

export function initiateBody(product: Product = 'EFT', overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    type: product === 'e-Transfer' ? 'e-Transfer' : 'EFT',
    direction: 'DEBIT',
    referenceId: `order-${Math.random().toString(36).slice(2, 10)}`,
    currency: 'CAD',
    amount: 125.5,
    options: {
      guarantee: { enable: product === 'GEFT' },
      notificationPreferences: { language: 'EN' },
      redirectPreferences: { mode: 'JsEvents' },
    },
    payor: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
  };
  if (product !== 'EFT') base.payee = { account: { institutionCode: '001', transitNumber: '12345', accountNumber: '1234567' } };
  if (product === 'e-Transfer') delete (base.options as Record<string, unknown>).guarantee;
  return { ...base, ...overrides };
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

export interface Created {
  readonly token: string;
  readonly sessionId: string;
  readonly referenceId: string;
}

/** Authorize, then initiate one session of `product`. */
export async function createSession(base: string, product: Product = 'EFT', overrides: Record<string, unknown> = {}): Promise<Created> {
  const token = await authorize(base);
  const response = await postJson(`${base}/api/v2/sessions`, initiateBody(product, overrides), bearer(token));
  assert.equal(response.status, 201, `initiate answered ${response.status}: ${await response.clone().text()}`);
  const body = (await response.json()) as { sessionId: string; referenceId: string };
  return { token, ...body };
}

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly errors?: Record<string, string[]>;
  readonly [key: string]: unknown;
}

/** Asserts a ProblemDetails answer with this status and returns its body. */
export async function expectProblem(response: Response, status: number): Promise<Problem> {
  const text = await response.text();
  assert.equal(response.status, status, `expected ${status}, got ${response.status}: ${text}`);
  assert.equal(response.headers.get('content-type'), 'application/problem+json');
  const body = JSON.parse(text) as Problem;
  assert.equal(body.status, status);
  assert.equal(typeof body.title, 'string');
  assert.equal(typeof body.type, 'string');
  assert.equal(typeof body.detail, 'string');
  return body;
}

export async function inspect(base: string, sessionId: string) {
  const response = await fetch(`${base}/sandbox/sessions/${sessionId}`);
  assert.equal(response.status, 200);
  return (await response.json()) as {
    session: Record<string, unknown> & { status: string; statusDetails: string };
    history: Array<{ at: string; type: string; httpStatus?: number; outcome?: string }>;
    cancelCalls: number;
  };
}

/** A settable clock for the sandbox's `now` option. */
export function fakeClock(start = Date.parse('2026-01-15T12:00:00Z')) {
  let current = start;
  return {
    now: () => current,
    advance(ms: number) {
      current += ms;
    },
  };
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

/** A loopback HTTP server that records what it receives and answers `status`. */
export async function startReceiver(status = 200): Promise<{ url: string; received: ReceivedRequest[]; close(): Promise<void> }> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
