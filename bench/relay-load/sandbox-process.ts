/**
 * Child process: the provider sandbox for the relay load runs. Sessions are created through
 * the sandbox's own API (authorize, then initiate: one token initiates one session), called
 * in-process on its fetch handler, so making tens of thousands of them takes seconds and no
 * sockets. What happened to them is read from the sandbox's state, as its test controls do.
 */
import type { InitiateSessionRequest } from '../../src/protocol/initiate-request.js';
import { normalizeStatus } from '../../src/protocol/status.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { announceFailure, announceReady, serveParentRequests } from '../lib/child.js';

export interface LoadSandboxReady {
  readonly url: string;
}

export interface CreatedLoadSession {
  readonly sessionId: string;
  /** Epoch ms: the cancel token must expire with the session. */
  readonly expiresAt: number;
}

export interface SessionOutcomes {
  /** Sessions the sandbox shows as Cancelled. */
  readonly cancelled: number;
  /** Sessions that never received a cancel call. */
  readonly neverCalled: number;
  /** Provider cancel calls received over all these sessions. */
  readonly cancelCalls: number;
  /** Ids not Cancelled (at most 20, to explain a loss). */
  readonly notCancelled: readonly string[];
}

const CLIENT = { clientId: process.env.BENCH_CLIENT_ID ?? '', clientSecret: process.env.BENCH_CLIENT_SECRET ?? '' };
const BASIC = `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`;

function initiateBody(index: number): InitiateSessionRequest {
  return {
    type: 'EFT',
    direction: 'DEBIT',
    referenceId: `bench-${index}`,
    currency: 'CAD',
    amount: 42.5,
    options: { guarantee: { enable: false }, notificationPreferences: { language: 'EN' }, redirectPreferences: { mode: 'JsEvents' } },
    payor: { firstName: 'Bench', lastName: 'Mark' },
  };
}

async function createOne(running: RunningSandbox, index: number): Promise<CreatedLoadSession> {
  const { app } = running.sandbox;
  const authorized = await app.fetch(
    new Request(`${running.url}/api/v1/authorize`, {
      method: 'POST',
      headers: { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    }),
  );
  if (!authorized.ok) throw new Error(`authorize answered ${authorized.status}`);
  const { access_token: accessToken } = (await authorized.json()) as { access_token: string };
  const initiated = await app.fetch(
    new Request(`${running.url}/api/v2/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(initiateBody(index)),
    }),
  );
  if (initiated.status !== 201) throw new Error(`initiate answered ${initiated.status}`);
  const { sessionId } = (await initiated.json()) as { sessionId: string };
  return { sessionId, expiresAt: running.sandbox.state.store.get(sessionId)!.session.expiresAt };
}

async function createSessions(running: RunningSandbox, count: number): Promise<CreatedLoadSession[]> {
  if (!Number.isInteger(count) || count < 1 || count > 200_000) throw new RangeError('count must be 1..200000');
  const created: CreatedLoadSession[] = [];
  // Small concurrent batches: the handler is async, and this keeps the event loop responsive.
  for (let start = 0; start < count; start += 64) {
    const batch = Array.from({ length: Math.min(64, count - start) }, (_, i) => createOne(running, start + i));
    created.push(...(await Promise.all(batch)));
  }
  return created;
}

function outcomes(running: RunningSandbox, sessionIds: readonly string[]): SessionOutcomes {
  let cancelled = 0;
  let neverCalled = 0;
  let cancelCalls = 0;
  const notCancelled: string[] = [];
  for (const sessionId of sessionIds) {
    const record = running.sandbox.state.store.get(sessionId);
    const calls = record?.cancelCalls ?? 0;
    cancelCalls += calls;
    if (calls === 0) neverCalled++;
    if (record && normalizeStatus(record.session.status) === 'Cancelled') cancelled++;
    else if (notCancelled.length < 20) notCancelled.push(sessionId);
  }
  return { cancelled, neverCalled, cancelCalls, notCancelled };
}

try {
  if (!CLIENT.clientId || !CLIENT.clientSecret) throw new Error('BENCH_CLIENT_ID and BENCH_CLIENT_SECRET are required');
  const running = await startSandbox({
    port: 0,
    host: '127.0.0.1',
    clients: [CLIENT],
    // Every load round creates its own sessions; a flood alone needs 20 000 of them.
    maxSessions: 200_000,
  });
  serveParentRequests(async (message) => {
    switch (message.type) {
      case 'create-sessions':
        return createSessions(running, Number(message.count));
      case 'outcomes':
        return outcomes(running, message.sessionIds as string[]);
      case 'statuses':
        return Object.fromEntries((message.sessionIds as string[]).map((id) => [id, running.sandbox.state.store.get(id)?.session.status ?? 'unknown']));
      case 'reset':
        running.sandbox.state.store.clear();
        return true;
      default:
        throw new Error(`unknown request ${String(message.type)}`);
    }
  });
  process.once('SIGTERM', () => void running.close().finally(() => process.exit(0)));
  process.once('disconnect', () => void running.close().finally(() => process.exit(0)));
  announceReady({ url: running.url } satisfies LoadSandboxReady);
} catch (error) {
  announceFailure(error);
  process.exit(1);
}
