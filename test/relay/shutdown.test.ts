/**
 * No accepted cancel vanishes at shutdown, with real signals to a real `bank-pay-session
 * relay` process: a second signal ends the drain at once but every cancel still has its
 * outcome line; the default drain ends inside docker's 10 s stop timeout; and with the lease
 * ledger in Redis, an instance killed (or stopped) with cancels in flight leaves them to
 * another instance, which finishes each one.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { createSession, type CreatedSession } from '../../src/relay/index.js';
import { CLIENT, EFT_REQUEST, eventually, randomKey, SHOP_ORIGIN } from './harness.js';
import { startRedisServer } from './redis-server.js';
import { startRelayProcess, type RelayProcess } from './relay-process.js';

describe('shutdown with cancels in flight', () => {
  let sandbox: RunningSandbox;
  const key = randomKey();
  let env: Record<string, string>;
  before(async () => {
    sandbox = await startSandbox({ port: 0, clients: [CLIENT] });
    env = {
      BPS_PROVIDER_URL: sandbox.url,
      BPS_CLIENT_ID: CLIENT.clientId,
      BPS_CLIENT_SECRET: CLIENT.clientSecret,
      BPS_TOKEN_KEYS: key,
      BPS_ALLOWED_ORIGINS: SHOP_ORIGIN,
    };
  });
  after(() => sandbox.close());

  const faults = (body: Record<string, unknown> | null) =>
    fetch(`${sandbox.url}/sandbox/faults`, {
      method: body ? 'PUT' : 'DELETE',
      ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
  const sessions = (count: number) =>
    Promise.all(Array.from({ length: count }, () => createSession({ provider: { url: sandbox.url, ...CLIENT }, tokenKey: key, request: EFT_REQUEST })));
  const cancelAll = (relay: RelayProcess, list: readonly CreatedSession[]) =>
    Promise.all(
      list.map(async (session) => {
        const response = await fetch(`${relay.url}/bank-pay/cancel`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', origin: SHOP_ORIGIN },
          body: JSON.stringify({ sessionId: session.sessionId, token: session.cancelToken, reason: 'page-unload' }),
        });
        return { http: response.status, body: (await response.json()) as { outcome: string; retrying?: boolean; correlationId?: string } };
      }),
    );
  const statusOf = async (sessionId: string) =>
    ((await (await fetch(`${sandbox.url}/sandbox/sessions/${sessionId}`)).json()) as { session: { status: string } }).session.status;

  /** Each session's acceptance line and outcome line, paired by correlation id. */
  type Line = Record<string, unknown>;
  function traceOf(relay: RelayProcess, sessionId: string): { accepted: Line[]; outcomes: Line[] } {
    const lines = relay.lines().filter((line) => line.sessionId === sessionId);
    const accepted = lines.filter((line) => line.type === 'bank-pay.cancel-accepted');
    const outcomes = lines.filter((line) => line.type === 'bank-pay.cancel');
    return { accepted, outcomes };
  }

  for (const second of ['SIGTERM', 'SIGINT'] as const) {
    test(`a second signal (${second}) ends the drain at once, and every accepted cancel still has its outcome line`, async () => {
      const relay = await startRelayProcess(env);
      try {
        const list = await sessions(second === 'SIGTERM' ? 20 : 10);
        await faults({ errorRate: 1, errorStatus: 503 });
        const answers = await cancelAll(relay, list);
        assert.ok(answers.every(({ http, body }) => http === 202 && body.retrying === true), 'each answered 202, still retrying');
        relay.child.kill('SIGTERM');
        await eventually(() => (relay.lines().some((line) => line.type === 'bank-pay.shutdown') ? true : undefined));
        await new Promise((resolve) => setTimeout(resolve, 1000));
        relay.child.kill(second);
        const { code } = await relay.exited;
        assert.equal(code, 1, 'a forced stop');
        for (const [index, session] of list.entries()) {
          const { accepted, outcomes } = traceOf(relay, session.sessionId);
          assert.equal(accepted.length, 1, `session ${index} has its acceptance line`);
          assert.equal(outcomes.length, 1, `session ${index} has its outcome line`);
          assert.deepEqual([outcomes[0]!.outcome, outcomes[0]!.abandoned], ['failed', true]);
          assert.equal(outcomes[0]!.correlationId, accepted[0]!.correlationId);
          assert.equal(outcomes[0]!.correlationId, answers[index]!.body.correlationId, 'the id the page was given finds both lines');
        }
        const stopped = relay.lines().find((line) => line.type === 'bank-pay.stopped');
        assert.deepEqual([stopped?.forced, stopped?.abandoned], [true, list.length]);
      } finally {
        await faults(null);
        await relay.kill();
      }
    });
  }

  test("SIGTERM alone: the default drain ends inside docker's 10 s stop timeout, with every outcome written", async () => {
    const relay = await startRelayProcess(env);
    let killedByTimeout = false;
    try {
      const list = await sessions(5);
      await faults({ errorRate: 1, errorStatus: 503 });
      const answers = await cancelAll(relay, list);
      assert.ok(answers.every(({ http }) => http === 202));
      relay.child.kill('SIGTERM');
      // What docker does when the stop timeout runs out.
      const docker = setTimeout(() => {
        killedByTimeout = true;
        relay.child.kill('SIGKILL');
      }, 10_000);
      const { code, signal } = await relay.exited;
      clearTimeout(docker);
      assert.equal(killedByTimeout, false, 'it exited before the SIGKILL');
      assert.deepEqual([code, signal], [0, null]);
      assert.equal(relay.lines().find((line) => line.type === 'bank-pay.shutdown')?.drainTimeoutMs, 8000);
      for (const session of list) {
        const { accepted, outcomes } = traceOf(relay, session.sessionId);
        assert.deepEqual([accepted.length, outcomes.length, outcomes[0]?.abandoned], [1, 1, true]);
      }
    } finally {
      await faults(null);
      await relay.kill();
    }
  });

  describe('with the lease ledger in Redis, shared by two instances', () => {
    const withTwo = async (
      claimSeconds: number,
      stopFirst: (first: RelayProcess) => Promise<void>,
      extraEnv: Record<string, string> = {},
    ): Promise<{ first: RelayProcess; second: RelayProcess; list: CreatedSession[] } | undefined> => {
      const redis = await startRedisServer();
      if ('skip' in redis) return undefined;
      const shared = { ...env, BPS_REDIS_URL: redis.url, BPS_CLAIM_SECONDS: String(claimSeconds), ...extraEnv };
      const first = await startRelayProcess(shared);
      const second = await startRelayProcess(shared);
      try {
        const list = await sessions(10);
        await faults({ errorRate: 1, errorStatus: 503 });
        const answers = await cancelAll(first, list);
        assert.ok(answers.every(({ http }) => http === 202), 'the first instance took each on');
        await stopFirst(first);
        await faults(null);
        await eventually(async () => ((await Promise.all(list.map((s) => statusOf(s.sessionId)))).every((status) => status === 'Cancelled') ? true : undefined), 20_000, 'every session cancelled by the second instance');
        return { first, second, list };
      } finally {
        await faults(null);
        await first.kill();
        await second.kill();
        await redis.stop();
      }
    };

    test('an instance killed (SIGKILL) with cancels in flight: their claims lapse, and the other instance finishes each', async (t) => {
      const run = await withTwo(2, async (first) => {
        first.child.kill('SIGKILL');
        await first.exited;
      });
      if (!run) return t.skip('redis-server is not installed');
      for (const session of run.list) {
        assert.equal(traceOf(run.first, session.sessionId).accepted.length, 1, 'the dead instance wrote its acceptance line');
        const finished: Line[] = traceOf(run.second, session.sessionId).outcomes;
        assert.deepEqual(finished.map((line) => [line.outcome, line.rule, line.takenOver]), [['cancelled', 'confirm', true]]);
      }
    });

    test('an instance stopped (SIGTERM) before its drain could finish hands its cancels back at once', async (t) => {
      // Claims that would take a minute to lapse: only the hand-back lets the other instance in time.
      const run = await withTwo(
        60,
        async (first) => {
          first.child.kill('SIGTERM');
          assert.equal((await first.exited).code, 0);
        },
        { BPS_DRAIN_SECONDS: '1' },
      );
      if (!run) return t.skip('redis-server is not installed');
      for (const session of run.list) {
        const { outcomes } = traceOf(run.first, session.sessionId);
        assert.deepEqual(outcomes.map((line) => [line.outcome, line.abandoned]), [['failed', true]], 'the stopped instance wrote it off as abandoned');
        assert.deepEqual(traceOf(run.second, session.sessionId).outcomes.map((line) => [line.outcome, line.takenOver]), [['cancelled', true]]);
      }
    });
  });
});
