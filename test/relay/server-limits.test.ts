/**
 * A slow or idle flood cannot take descriptors from shoppers: a real `bank-pay-session relay`
 * process under a low `ulimit -n`, flooded with connections that never finish their request
 * from several loopback addresses (each a different client to the relay), still answers
 * every genuine cancel; a request that never finishes its headers or body is cut off by the
 * server's timeouts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { createSession } from '../../src/relay/index.js';
import { CLIENT, EFT_REQUEST, eventually, randomKey, SHOP_ORIGIN } from './harness.js';
import { requestFrom, startRelayProcess, type RelayProcess } from './relay-process.js';

/** Opens a connection from `localAddress` and sends `first` (a partial request), keeping it open. */
function openHalf(port: number, localAddress: string, first: string): Promise<Socket & { closedAt?: number }> {
  return new Promise((resolve) => {
    const socket: Socket & { closedAt?: number } = connect({ port, host: '127.0.0.1', localAddress }, () => {
      if (first) socket.write(first);
      resolve(socket);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => (socket.closedAt = Date.now()));
  });
}

describe('server limits under an idle and slow flood', () => {
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

  const genuineCancel = async (relay: RelayProcess, from: string) => {
    const session = await createSession({ provider: { url: sandbox.url, ...CLIENT }, tokenKey: key, request: EFT_REQUEST });
    const answer = await requestFrom(from, `${relay.url}/bank-pay/cancel`, {
      headers: { 'content-type': 'text/plain', origin: SHOP_ORIGIN },
      body: JSON.stringify({ sessionId: session.sessionId, token: session.cancelToken, reason: 'page-unload' }),
    });
    return { status: answer.status, outcome: (JSON.parse(answer.body) as { outcome: string }).outcome };
  };

  test('under ulimit -n 256, 300 half-open connections from 10 addresses leave every genuine cancel answered', async () => {
    // The default cap (3/4 of the descriptor limit: 192) keeps descriptors for the relay's own provider calls.
    const relay = await startRelayProcess(env, { openFiles: 256 });
    const flood: Array<Socket & { closedAt?: number }> = [];
    try {
      for (let i = 0; i < 300; i++) flood.push(await openHalf(relay.port, `127.0.0.${2 + (i % 10)}`, i % 2 ? 'POST /bank-pay/cancel HTTP/1.1\r\nHost: x\r\n' : ''));
      const answers = [];
      for (let i = 0; i < 20; i++) answers.push(await genuineCancel(relay, '127.0.0.1'));
      assert.deepEqual(answers.filter((a) => a.status !== 200 || a.outcome !== 'cancelled'), [], 'every genuine cancel was served');
      assert.ok(flood.filter((socket) => socket.destroyed || socket.closedAt).length >= 300 - 192, 'the longest-idle flood connections were closed to make room');
    } finally {
      for (const socket of flood) socket.destroy();
      await relay.kill();
    }
  });

  test('one address cannot hold more than its share of connections (64 by default)', async () => {
    const relay = await startRelayProcess(env);
    const flood: Array<Socket & { closedAt?: number }> = [];
    try {
      for (let i = 0; i < 100; i++) flood.push(await openHalf(relay.port, '127.0.0.2', ''));
      await eventually(() => (flood.filter((socket) => socket.closedAt).length >= 36 ? true : undefined), 5000, 'the excess to be closed');
      assert.equal(flood.filter((socket) => !socket.closedAt).length, 64);
      // The flooding address's own idle connections make room for a request from it, and other addresses are untouched.
      assert.equal((await genuineCancel(relay, '127.0.0.2')).status, 200);
      assert.equal((await genuineCancel(relay, '127.0.0.3')).status, 200);
    } finally {
      for (const socket of flood) socket.destroy();
      await relay.kill();
    }
  });

  test('headers that never end and a body that trickles are cut off by the server timeouts (408)', async () => {
    const relay = await startRelayProcess({ ...env, BPS_HEADERS_TIMEOUT_MS: '500', BPS_REQUEST_TIMEOUT_MS: '1000', BPS_KEEP_ALIVE_TIMEOUT_MS: '500' });
    try {
      const silent = await openHalf(relay.port, '127.0.0.2', '');
      const headers = await openHalf(relay.port, '127.0.0.3', 'POST /bank-pay/cancel HTTP/1.1\r\nHost: x\r\n');
      const body = await openHalf(relay.port, '127.0.0.4', 'POST /bank-pay/cancel HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 500\r\n\r\n');
      const trickle = setInterval(() => body.write('x'), 200);
      const received = new Map<Socket, string>();
      for (const socket of [silent, headers, body]) socket.on('data', (chunk) => received.set(socket, (received.get(socket) ?? '') + String(chunk)));
      try {
        // Node's own defaults would keep these open for 60 s (headers) and 300 s (body).
        await eventually(() => (silent.closedAt && headers.closedAt && body.closedAt ? true : undefined), 10_000, 'the slow connections to be closed');
      } finally {
        clearInterval(trickle);
      }
      assert.match(received.get(headers) ?? '', /^HTTP\/1\.1 408/);
      assert.match(received.get(body) ?? '', /^HTTP\/1\.1 408/);
      assert.equal((await genuineCancel(relay, '127.0.0.5')).status, 200);
    } finally {
      await relay.kill();
    }
  });
});
