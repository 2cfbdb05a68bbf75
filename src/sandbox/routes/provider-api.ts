/**
 * The provider API as docs/provider.md describes it: authorize, initiate, details, status and
 * cancel, with its status codes and ProblemDetails errors, behind fault injection.
 */

import type { Context, Hono, MiddlewareHandler } from 'hono';
import { isSessionId } from '../../protocol/session-id.js';
import { limitBody, readBodyText, readFormBody, readJsonBody } from '../body.js';
import { decideFault } from '../faults.js';
import { validateInitiateRequest } from '../initiate-request.js';
import { jsonResponse, problemResponse, validationProblem } from '../problem.js';
import { cancelView, detailsView, spelledStatus, statusView } from '../session.js';
import type { SessionRecord } from '../session-store.js';
import type { SandboxEnv, SandboxState } from '../state.js';
import { constantTimeEqual, readBearerToken, readClientCredentials, type TokenGrant } from '../tokens.js';

type ApiContext = Context<SandboxEnv>;

/** The session calls and their methods; a call with another method is a 405, not a call. */
const SESSION_ACTIONS = { details: 'GET', status: 'GET', cancel: 'POST' } as const;
type SessionAction = keyof typeof SESSION_ACTIONS;

function sessionAction(action: string, method: string): SessionAction | undefined {
  const known = Object.hasOwn(SESSION_ACTIONS, action) ? (action as SessionAction) : undefined;
  const expected = known && SESSION_ACTIONS[known];
  return known && (method === expected || (expected === 'GET' && method === 'HEAD')) ? known : undefined;
}

function defaultOutcome(status: number): string {
  if (status < 300) return 'ok';
  if (status === 400) return 'bad-request';
  if (status === 401) return 'unauthorized';
  if (status === 404) return 'not-found';
  if (status === 429) return 'rate-limited';
  return `http-${status}`;
}

/**
 * Writes every details/status/cancel call into the session's history, whatever answered it.
 * `cancelCalls` counts a call as soon as it is received; its history entry is written once it
 * has been handled (before any injected latency).
 */
function recordSessionCalls(state: SandboxState): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const sessionId = c.req.param('sessionId') ?? '';
    const action = sessionAction(c.req.param('action') ?? '', c.req.method);
    const known = action !== undefined && isSessionId(sessionId);
    if (known && action === 'cancel') state.store.countCancelCall(sessionId);
    await next();
    if (!known) return;
    const status = c.res.status;
    state.store.record(sessionId, { type: action, httpStatus: status, outcome: c.get('outcome') ?? defaultOutcome(status) });
  };
}

const sleep = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

/**
 * Latency is added after the request was handled and recorded, before the answer goes out:
 * the provider has acted but its answer is late, which is the case a client's timeout must
 * get right (a cancel that timed out may still have cancelled). Read when the request
 * arrives, so clearing the faults does not shorten answers already on their way.
 */
function delayAnswers(state: SandboxState): MiddlewareHandler<SandboxEnv> {
  return async (_c, next) => {
    const latencyMs = state.faults.latencyMs;
    await next();
    await sleep(latencyMs);
  };
}

/** Injected errors answer before the request is handled, so they change nothing. */
function injectErrors(state: SandboxState): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const { decision, next: remaining } = decideFault(state.faults, state.config.random);
    state.faults = remaining;
    if (decision.kind === 'rate-limit') {
      c.set('outcome', 'injected-rate-limit');
      return problemResponse(429, 'too many requests; retry after the delay in Retry-After', {
        instance: c.req.path,
        headers: { 'Retry-After': String(decision.retryAfterSeconds) },
      });
    }
    if (decision.kind === 'error') {
      c.set('outcome', 'injected-fault');
      return problemResponse(decision.status, 'the sandbox injected this error (test controls: /sandbox/faults)', { instance: c.req.path });
    }
    await next();
  };
}

function unauthorized(detail: string, instance: string, scheme: 'Basic' | 'Bearer'): Response {
  const challenge = scheme === 'Basic' ? 'Basic realm="sandbox", charset="UTF-8"' : 'Bearer error="invalid_token"';
  return problemResponse(401, detail, { instance, headers: { 'WWW-Authenticate': challenge } });
}

/** The live grant behind the request's bearer token, or the 401 to answer. */
function authenticate(c: ApiContext, state: SandboxState): TokenGrant | Response {
  const token = readBearerToken(c.req.header('authorization') ?? null);
  if (!token) return unauthorized('an Authorization: Bearer access token is required', c.req.path, 'Bearer');
  const grant = state.tokens.find(token);
  if (!grant) return unauthorized('the access token is invalid or has expired; authorize again', c.req.path, 'Bearer');
  return grant;
}

/** The session named in the path if it belongs to the caller; a 400 or 404 otherwise. */
function findOwnSession(c: ApiContext, state: SandboxState, grant: TokenGrant): SessionRecord | Response {
  const sessionId = c.req.param('sessionId') ?? '';
  if (!isSessionId(sessionId)) return problemResponse(400, 'sessionId must be a UUID', { instance: c.req.path });
  const record = state.store.get(sessionId);
  // Another client's session answers exactly like a missing one: its existence is not disclosed.
  if (!record || record.session.clientId !== grant.clientId) {
    return problemResponse(404, 'no session with this id for this client', { instance: c.req.path });
  }
  return record;
}

async function authorize(c: ApiContext, state: SandboxState): Promise<Response> {
  const form = await readFormBody(c.req.raw, c.req.path);
  if (!form.ok) return form.response;
  const grantType = form.value.get('grant_type');
  if (grantType !== 'client_credentials') {
    return validationProblem(
      [{ field: 'grant_type', message: grantType === null ? 'is required and must be client_credentials' : 'must be client_credentials' }],
      c.req.path,
    );
  }
  const credentials = readClientCredentials(c.req.raw, form.value);
  if (!credentials) return unauthorized('client credentials are required: HTTP Basic, or the form fields Username and Password', c.req.path, 'Basic');
  const client = state.config.clients.find((candidate) => candidate.clientId === credentials.clientId);
  // Compare against a dummy secret for unknown ids too, so timing does not reveal which ids exist.
  const secretMatches = constantTimeEqual(credentials.clientSecret, client?.clientSecret ?? '\u0000unknown-client');
  if (!client || !secretMatches) return unauthorized('the client id or secret is wrong', c.req.path, 'Basic');
  const advertised = state.config.tokenLifetimeSeconds;
  const actual = state.faults.tokenLifetimeSeconds ?? advertised;
  const token = state.tokens.issue(client.clientId, actual);
  return jsonResponse({ access_token: token, token_type: 'bearer', expires_in: advertised });
}

async function initiate(c: ApiContext, state: SandboxState): Promise<Response> {
  const grant = authenticate(c, state);
  if (grant instanceof Response) return grant;
  if (grant.initiatedSessionId) {
    return unauthorized('this access token has already initiated a session; one token initiates one session', c.req.path, 'Bearer');
  }
  const body = await readJsonBody(c.req.raw, c.req.path);
  if (!body.ok) return body.response;
  const request = validateInitiateRequest(body.value);
  if (!request.ok) return validationProblem(request.errors, c.req.path);
  const record = state.store.create(request.value, grant.clientId);
  if (!record) return problemResponse(503, 'the sandbox holds too many live sessions; try again later', { instance: c.req.path, headers: { 'Retry-After': '1' } });
  grant.initiatedSessionId = record.session.sessionId;
  return jsonResponse({ sessionId: record.session.sessionId, referenceId: record.session.referenceId }, 201);
}

function readSession(c: ApiContext, state: SandboxState, view: 'details' | 'status'): Response {
  const grant = authenticate(c, state);
  if (grant instanceof Response) return grant;
  const record = findOwnSession(c, state, grant);
  if (record instanceof Response) return record;
  return jsonResponse(view === 'details' ? detailsView(record.session) : statusView(record.session));
}

async function cancel(c: ApiContext, state: SandboxState): Promise<Response> {
  const grant = authenticate(c, state);
  if (grant instanceof Response) return grant;
  // The endpoint takes no body; one that is sent is read (within the cap) and ignored.
  const body = await readBodyText(c.req.raw, c.req.path);
  if (!body.ok) return body.response;
  const record = findOwnSession(c, state, grant);
  if (record instanceof Response) return record;
  const result = state.store.transition(record.session.sessionId, 'Cancelled', 'EFT0501', 'cancel');
  if (result.ok) {
    c.set('outcome', 'cancelled');
    return jsonResponse(cancelView(result.session));
  }
  const { session } = record;
  c.set('outcome', 'already-terminal');
  return problemResponse(400, `the session is already ${spelledStatus(session)} and cannot be cancelled`, {
    instance: c.req.path,
    extensions: { sessionStatus: spelledStatus(session), statusDetails: session.statusDetails },
  });
}

export function mountProviderApi(app: Hono<SandboxEnv>, state: SandboxState): void {
  // Order matters: the delay wraps everything, and injected errors are recorded like any answer.
  app.use('/api/*', delayAnswers(state));
  app.use('/api/v2/sessions/:sessionId/:action', recordSessionCalls(state));
  app.use('/api/*', injectErrors(state));
  app.use('/api/*', limitBody(state.config.maxBodyBytes));

  app.post('/api/v1/authorize', (c) => authorize(c, state));
  app.post('/api/v2/sessions', (c) => initiate(c, state));
  app.get('/api/v2/sessions/:sessionId/details', (c) => readSession(c, state, 'details'));
  app.get('/api/v2/sessions/:sessionId/status', (c) => readSession(c, state, 'status'));
  app.post('/api/v2/sessions/:sessionId/cancel', (c) => cancel(c, state));
}
