/**
 * The hosted flow: `GET /app/?sessionId=…` serves the page, and `/app/api/sessions/:id/…`
 * is what the page itself calls (its state, the steps reached, completion). Those answer
 * the session's status only, nothing secret: like the real hosted flow, knowing the
 * session id is what grants access to the page.
 */

import type { Context, Hono } from 'hono';
import { isStepName } from '../../protocol/hosted-message.js';
import { isSessionId } from '../../protocol/session-id.js';
import type { SessionStatus } from '../../protocol/status.js';
import { isPlainObject, limitBody, readJsonBody } from '../body.js';
import { renderHostedPage, type HostedView } from '../hosted/page.js';
import { pageLanguage } from '../hosted/strings.js';
import { jsonResponse, problemResponse, validationProblem } from '../problem.js';
import { languageOf, spelledStatus } from '../session.js';
import type { SandboxCoop, SandboxFraming } from '../options.js';
import type { SessionRecord } from '../session-store.js';
import type { SandboxEnv, SandboxState } from '../state.js';

function initialViewFor(status: SessionStatus): HostedView {
  switch (status) {
    case 'Initiated':
      return 'bank';
    case 'Completed':
      return 'done';
    case 'Failed':
      return 'failed';
    case 'Cancelled':
    case 'Expired':
      return 'timed-out';
  }
}

interface HostedPagePolicy {
  /** `deny`: no page may frame it, the allowed origins included. Default `allow`. */
  readonly framing?: SandboxFraming;
  /** Sent as `Cross-Origin-Opener-Policy` when set. */
  readonly coop?: SandboxCoop | undefined;
}

/**
 * Headers of the page. `frame-ancestors` lists the allowed merchant origins, so a page on any
 * other origin cannot frame it (or is `'none'` when framing is denied); scripts and styles run
 * only with this response's nonce.
 */
function hostedPageHeaders(
  allowedOrigins: readonly string[],
  nonce: string,
  { framing = 'allow', coop }: HostedPagePolicy = {},
): Record<string, string> {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "form-action 'none'",
    "base-uri 'none'",
    `frame-ancestors ${framing === 'deny' ? "'none'" : allowedOrigins.join(' ')}`,
  ].join('; ');
  return {
    ...(coop ? { 'Cross-Origin-Opener-Policy': coop } : {}),
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': csp,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

function servePage(c: Context<SandboxEnv>, state: SandboxState): Response {
  const nonce = newNonce();
  const headers = hostedPageHeaders(state.config.allowedOrigins, nonce, state.config);
  const sessionId = c.req.query('sessionId') ?? '';
  const record = isSessionId(sessionId) ? state.store.get(sessionId) : undefined;
  const language = pageLanguage(c.req.query('lang'), record ? languageOf(record.session) : undefined);
  if (!record) {
    const html = renderHostedPage({ language, nonce, origins: state.config.allowedOrigins, initialView: 'not-found' });
    return new Response(html, { status: 404, headers });
  }
  const { session } = record;
  const html = renderHostedPage({
    language,
    nonce,
    origins: state.config.allowedOrigins,
    initialView: initialViewFor(session.status),
    session: { sessionId: session.sessionId, amount: session.amount, guarantee: session.product === 'GEFT' },
  });
  return new Response(html, { status: 200, headers });
}

function findSession(c: Context<SandboxEnv>, state: SandboxState): SessionRecord | Response {
  const sessionId = c.req.param('sessionId') ?? '';
  const record = isSessionId(sessionId) ? state.store.get(sessionId) : undefined;
  return record ?? problemResponse(404, 'no session with this id', { instance: c.req.path });
}

async function recordStep(c: Context<SandboxEnv>, state: SandboxState): Promise<Response> {
  const record = findSession(c, state);
  if (record instanceof Response) return record;
  const body = await readJsonBody(c.req.raw, c.req.path);
  if (!body.ok) return body.response;
  const value = body.value;
  if (!isPlainObject(value)) return validationProblem([{ field: 'body', message: 'must be a JSON object' }], c.req.path);
  const extra = Object.keys(value).find((key) => key !== 'step');
  if (extra !== undefined) return validationProblem([{ field: extra.slice(0, 40), message: 'is not a known field' }], c.req.path);
  if (!isStepName(value.step)) {
    return validationProblem([{ field: 'step', message: 'must be a step name such as APP_MOUNTED' }], c.req.path);
  }
  state.store.setStep(record.session.sessionId, value.step);
  state.store.record(record.session.sessionId, { type: 'hosted-step', outcome: value.step });
  return new Response(null, { status: 204 });
}

function complete(c: Context<SandboxEnv>, state: SandboxState): Response {
  const record = findSession(c, state);
  if (record instanceof Response) return record;
  const { sessionId } = record.session;
  const result = state.store.transition(sessionId, 'Completed', 'EFT0301', 'hosted-complete');
  if (!result.ok) {
    state.store.record(sessionId, { type: 'hosted-complete', httpStatus: 409, outcome: 'already-terminal' });
    return problemResponse(409, `the session is already ${spelledStatus(record.session)}`, {
      instance: c.req.path,
      extensions: { sessionStatus: spelledStatus(record.session) },
    });
  }
  state.store.setStep(sessionId, 'SUCCESS');
  state.store.record(sessionId, { type: 'hosted-complete', httpStatus: 200, outcome: 'Completed/EFT0301' });
  return jsonResponse({ status: spelledStatus(result.session) });
}

export function mountHostedFlow(app: Hono<SandboxEnv>, state: SandboxState): void {
  app.get('/app', (c) => {
    const query = new URL(c.req.url).search;
    return c.redirect(`/app/${query}`, 301);
  });
  app.get('/app/', (c) => servePage(c, state));
  app.get('/app/api/sessions/:sessionId/state', (c) => {
    const record = findSession(c, state);
    if (record instanceof Response) return record;
    return jsonResponse({ status: spelledStatus(record.session) });
  });
  app.use('/app/api/*', limitBody(state.config.maxBodyBytes));
  app.post('/app/api/sessions/:sessionId/step', (c) => recordStep(c, state));
  app.post('/app/api/sessions/:sessionId/complete', (c) => complete(c, state));
}
