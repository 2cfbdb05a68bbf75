import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { authorize, bearer, createSession, eventually, expectProblem, fakeClock, initiateBody, inspect, postJson, start } from './support.js';

describe('session expiry (lazy, on a fake clock)', () => {
  const clock = fakeClock();
  let sandbox: RunningSandbox;
  let base: string;
  before(async () => {
    // A long timer interval: here only the lazy check can expire a session.
    sandbox = await start({ now: clock.now, sessionTimeoutMs: 60_000, retentionMs: 120_000, expiryCheckIntervalMs: 3_600_000 });
    base = sandbox.url;
  });
  after(() => sandbox.close());

  test('a session is live until its timeout, then Expired / EFT0601 on every read', async () => {
    const { token, sessionId } = await createSession(base);
    clock.advance(59_999);
    const live = (await (await fetch(`${base}/api/v2/sessions/${sessionId}/status`, { headers: bearer(token) })).json()) as Record<string, unknown>;
    assert.equal(live.status, 'Initiated');
    clock.advance(1);
    const status = (await (await fetch(`${base}/api/v2/sessions/${sessionId}/status`, { headers: bearer(await authorize(base)) })).json()) as Record<string, unknown>;
    assert.equal(status.status, 'Expired');
    assert.equal(status.statusDetails, 'EFT0601');
    const details = (await (await fetch(`${base}/api/v2/sessions/${sessionId}/details`, { headers: bearer(await authorize(base)) })).json()) as Record<string, unknown>;
    assert.equal(details.status, 'Expired');
    const { history } = await inspect(base, sessionId);
    assert.ok(history.some((entry) => entry.type === 'expire' && entry.outcome === 'Expired/EFT0601'));
  });

  test('cancelling a session whose time has passed is 400: it is never reported live', async () => {
    const { sessionId } = await createSession(base);
    clock.advance(60_000);
    // A fresh token: this is about the session, not the token's own lifetime.
    const problem = await expectProblem(await fetch(`${base}/api/v2/sessions/${sessionId}/cancel`, { method: 'POST', headers: bearer(await authorize(base)) }), 400);
    assert.match(problem.detail, /Expired/);
  });

  test('the hosted page of an expired session shows the timed-out state', async () => {
    const { sessionId } = await createSession(base);
    clock.advance(60_000);
    const html = await (await fetch(`${base}/app/?sessionId=${sessionId}`)).text();
    assert.match(html, /<body data-state="timed-out">/);
  });
});

describe('the expiry timer', () => {
  let sandbox: RunningSandbox;
  before(async () => {
    sandbox = await start({ sessionTimeoutMs: 300, expiryCheckIntervalMs: 20 });
  });
  after(() => sandbox.close());

  test('expires a session nobody reads', async () => {
    const changes: string[] = [];
    sandbox.sandbox.state.store.onStatusChange((change) => changes.push(`${change.session.sessionId} ${change.session.status} ${change.cause}`));
    const { sessionId } = await createSession(sandbox.url);
    const change = await eventually(() => changes.find((line) => line.startsWith(sessionId)), 5000, 'the timer to expire the session');
    assert.equal(change, `${sessionId} Expired expire`);
  });
});

describe('retention: state stays bounded', () => {
  const clock = fakeClock();
  let sandbox: RunningSandbox;
  before(async () => {
    sandbox = await start({ now: clock.now, sessionTimeoutMs: 60_000, retentionMs: 30_000, expiryCheckIntervalMs: 20 });
  });
  after(() => sandbox.close());

  test('ended sessions are dropped after the retention window; live ones are kept', async () => {
    const ended = await createSession(sandbox.url);
    await fetch(`${sandbox.url}/api/v2/sessions/${ended.sessionId}/cancel`, { method: 'POST', headers: bearer(ended.token) });
    clock.advance(29_000);
    const live = await createSession(sandbox.url);
    assert.equal((await fetch(`${sandbox.url}/sandbox/sessions/${ended.sessionId}`)).status, 200);
    clock.advance(1_000);
    await eventually(async () => ((await fetch(`${sandbox.url}/sandbox/sessions/${ended.sessionId}`)).status === 404 ? true : undefined), 5000, 'the ended session to be dropped');
    assert.equal((await fetch(`${sandbox.url}/sandbox/sessions/${live.sessionId}`)).status, 200);
  });

  test('the number of sessions is capped: the oldest ended one makes room, live ones are never dropped', async () => {
    const capped = await start({ now: clock.now, maxSessions: 2, expiryCheckIntervalMs: 3_600_000 });
    try {
      const first = await createSession(capped.url);
      const second = await createSession(capped.url);
      const full = await postJson(`${capped.url}/api/v2/sessions`, initiateBody(), bearer(await authorize(capped.url)));
      const problem = await expectProblem(full, 503);
      assert.match(problem.detail, /too many live sessions/);
      await fetch(`${capped.url}/api/v2/sessions/${first.sessionId}/cancel`, { method: 'POST', headers: bearer(first.token) });
      const third = await createSession(capped.url);
      assert.equal((await fetch(`${capped.url}/sandbox/sessions/${first.sessionId}`)).status, 404);
      assert.equal((await fetch(`${capped.url}/sandbox/sessions/${second.sessionId}`)).status, 200);
      assert.equal((await fetch(`${capped.url}/sandbox/sessions/${third.sessionId}`)).status, 200);
    } finally {
      await capped.close();
    }
  });
});
