/**
 * Test controls under `/sandbox/…`, outside the provider's paths: inspect a session with
 * its history, force a status, inject API faults, read webhook deliveries, reset.
 * CORS is open to the allowed merchant origins so a demo page can show provider-side state.
 */

import type { Context, Hono } from 'hono';
import { cors } from 'hono/cors';
import { isSessionId } from '../../protocol/session-id.js';
import { limitBody, readJsonBody } from '../body.js';
import { applyFaultRequest, NO_FAULTS } from '../faults.js';
import { validateForceRequest } from '../force-request.js';
import { jsonResponse, problemResponse, validationProblem } from '../problem.js';
import { controlView, spelledStatus } from '../session.js';
import type { SessionRecord } from '../session-store.js';
import { resetSandboxState, type SandboxEnv, type SandboxState } from '../state.js';

function inspect(record: SessionRecord) {
  return {
    session: controlView(record.session),
    history: record.history,
    cancelCalls: record.cancelCalls,
    historyDropped: record.historyDropped,
  };
}

function findSession(c: Context<SandboxEnv>, state: SandboxState): SessionRecord | Response {
  const sessionId = c.req.param('sessionId') ?? '';
  if (!isSessionId(sessionId)) return problemResponse(400, 'sessionId must be a UUID', { instance: c.req.path });
  return state.store.get(sessionId) ?? problemResponse(404, 'no session with this id (it may have been dropped after the retention window)', { instance: c.req.path });
}

async function force(c: Context<SandboxEnv>, state: SandboxState): Promise<Response> {
  const record = findSession(c, state);
  if (record instanceof Response) return record;
  const body = await readJsonBody(c.req.raw, c.req.path);
  if (!body.ok) return body.response;
  const request = validateForceRequest(body.value);
  if (!request.ok) return validationProblem(request.errors, c.req.path);
  const { sessionId } = record.session;
  const { status, statusDetails } = request.value;
  const result = state.store.transition(sessionId, status, statusDetails, 'force');
  if (!result.ok) {
    return problemResponse(409, `the session is already ${spelledStatus(record.session)}; only an Initiated session can be forced`, {
      instance: c.req.path,
      extensions: { sessionStatus: spelledStatus(record.session), statusDetails: record.session.statusDetails },
    });
  }
  state.store.record(sessionId, { type: 'force', httpStatus: 200, outcome: `${status}/${statusDetails}` });
  return jsonResponse(inspect(record));
}

async function setFaults(c: Context<SandboxEnv>, state: SandboxState, mode: 'replace' | 'merge'): Promise<Response> {
  const body = await readJsonBody(c.req.raw, c.req.path);
  if (!body.ok) return body.response;
  const result = applyFaultRequest(mode === 'replace' ? NO_FAULTS : state.faults, body.value);
  if (!result.ok) return validationProblem(result.errors, c.req.path);
  state.faults = result.value;
  return jsonResponse(state.faults);
}

export function mountControls(app: Hono<SandboxEnv>, state: SandboxState): void {
  app.use(
    '/sandbox/*',
    cors({ origin: [...state.config.allowedOrigins], allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], allowHeaders: ['Content-Type'] }),
  );
  app.use('/sandbox/*', limitBody(state.config.maxBodyBytes));

  const describe = () =>
    jsonResponse({
      name: 'bank-pay-session provider sandbox (Flinks Pay v2)',
      provider: {
        'POST /api/v1/authorize': 'client credentials → access token',
        'POST /api/v2/sessions': 'initiate a session',
        'GET /api/v2/sessions/{id}/details': 'the whole session',
        'GET /api/v2/sessions/{id}/status': 'status and statusDetails',
        'POST /api/v2/sessions/{id}/cancel': 'cancel a live session',
        'GET /app/?sessionId={id}': 'the hosted flow',
      },
      controls: {
        'GET /sandbox/sessions': 'every session held, newest last',
        'GET /sandbox/sessions/{id}': 'one session with its full history and cancelCalls',
        'POST /sandbox/sessions/{id}/force': '{status, statusDetails?}: end a live session as the provider would',
        'GET|PUT|PATCH|DELETE /sandbox/faults': 'fault injection for /api/* (PUT replaces, PATCH merges, DELETE clears)',
        'GET|DELETE /sandbox/webhooks': 'webhook deliveries attempted',
        'DELETE /sandbox/tokens': 'revoke every access token',
        'POST /sandbox/reset': 'forget everything',
      },
      allowedOrigins: state.config.allowedOrigins,
      sessionTimeoutMs: state.config.sessionTimeoutMs,
      tokenLifetimeSeconds: state.config.tokenLifetimeSeconds,
      webhookUrl: state.config.webhookUrl ?? null,
    });
  app.get('/sandbox', describe);
  // A person who opens the sandbox's address in a browser learns what is here.
  app.get('/', describe);

  app.get('/sandbox/sessions', () => jsonResponse({ sessions: state.store.list().map((record) => controlView(record.session)) }));
  app.get('/sandbox/sessions/:sessionId', (c) => {
    const record = findSession(c, state);
    return record instanceof Response ? record : jsonResponse(inspect(record));
  });
  app.post('/sandbox/sessions/:sessionId/force', (c) => force(c, state));

  app.get('/sandbox/faults', () => jsonResponse(state.faults));
  app.put('/sandbox/faults', (c) => setFaults(c, state, 'replace'));
  app.patch('/sandbox/faults', (c) => setFaults(c, state, 'merge'));
  app.delete('/sandbox/faults', () => {
    state.faults = NO_FAULTS;
    return jsonResponse(state.faults);
  });

  app.get('/sandbox/webhooks', () => jsonResponse({ deliveries: state.webhooks.deliveries() }));
  app.delete('/sandbox/webhooks', () => {
    state.webhooks.clear();
    return new Response(null, { status: 204 });
  });

  app.delete('/sandbox/tokens', () => jsonResponse({ revoked: state.tokens.revokeAll() }));

  app.post('/sandbox/reset', () => {
    resetSandboxState(state);
    return new Response(null, { status: 204 });
  });
}
