// The cancel delivery over real HTTP on loopback. The browser suite proves the real
// sendBeacon; here navigator.sendBeacon is replaced to reach the fallback paths.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliverCancel, type CancelTarget } from '../../src/element/delivery.js';

interface Received {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: string;
}

const SESSION = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const TOKEN = 'v1.secret-cancel-token';
let server: Server;
let base: string;
let received: Received[] = [];
let arrived: () => void = () => undefined;

/** Resolves when the next request reaches `/cancel`. */
function nextArrival(): Promise<void> {
  return new Promise((resolve) => (arrived = resolve));
}

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      received.push({ path: url.pathname, contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString() });
      if (url.pathname === '/cancel') arrived();
      const answer = () => {
        if (url.pathname === '/html') {
          res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
        } else {
          // A relay answer with an undocumented extra field, which must not pass through.
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ outcome: 'cancelled', status: 'Cancelled', statusDetails: 'EFT0501', internal: TOKEN }));
        }
      };
      if (url.pathname === '/slow') setTimeout(answer, 500);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

beforeEach(() => {
  received = [];
});

/** What reached `/cancel` (a request an earlier test gave up on may still land on `/slow`). */
const atCancel = () => received.filter((request) => request.path === '/cancel');

function target(path = '/cancel'): CancelTarget {
  return { url: `${base}${path}`, sessionId: SESSION, token: TOKEN };
}

function withSendBeacon(sendBeacon: (url: string, body: string) => boolean): void {
  Object.defineProperty(globalThis, 'navigator', { value: { sendBeacon }, configurable: true, writable: true });
}

describe('cancel delivery', () => {
  test('the answered path posts text/plain JSON and returns the relay\'s documented fields only', async () => {
    const result = await deliverCancel(target(), 'close-button');
    assert.deepEqual(
      { ...result },
      { outcome: 'cancelled', status: 'Cancelled', statusDetails: 'EFT0501', retrying: undefined, error: undefined, reason: 'close-button' },
    );
    assert.equal(received.length, 1);
    assert.equal(received[0]!.contentType, 'text/plain;charset=UTF-8');
    assert.deepEqual(JSON.parse(received[0]!.body), { sessionId: SESSION, token: TOKEN, reason: 'close-button' });
  });

  test('a relay that answers something else is a failure that names no secret', async () => {
    const result = await deliverCancel(target('/html'), 'api');
    assert.equal(result.outcome, 'failed');
    assert.equal(result.reason, 'api');
    assert.ok(!JSON.stringify(result).includes(TOKEN));
  });

  test('a relay that is too slow is a failure after the timeout', async () => {
    const result = await deliverCancel(target('/slow'), 'flow-close', { timeoutMs: 50 });
    assert.equal(result.outcome, 'failed');
  });

  test('an unreachable relay is a failure, not an exception', async () => {
    const result = await deliverCancel({ ...target(), url: 'http://127.0.0.1:1/cancel' }, 'api');
    assert.equal(result.outcome, 'failed');
  });

  test('the beacon path hands the request to sendBeacon before returning', async () => {
    const beacons: Array<[string, string]> = [];
    withSendBeacon((url, body) => {
      beacons.push([url, body]);
      return true;
    });
    const pending = deliverCancel(target(), 'page-unload');
    assert.equal(beacons.length, 1, 'sent synchronously, as an unload handler needs');
    assert.deepEqual(await pending, { outcome: 'sent', reason: 'page-unload' });
    assert.deepEqual(JSON.parse(beacons[0]![1]), { sessionId: SESSION, token: TOKEN, reason: 'page-unload' });
  });

  test('a refused beacon falls back to a keepalive fetch with the same body', async () => {
    withSendBeacon(() => false);
    const arrival = nextArrival();
    assert.equal((await deliverCancel(target(), 'bfcache')).outcome, 'sent');
    await arrival;
    assert.equal(atCancel().length, 1);
    assert.equal(atCancel()[0]!.contentType, 'text/plain;charset=UTF-8');
    assert.deepEqual(JSON.parse(atCancel()[0]!.body), { sessionId: SESSION, token: TOKEN, reason: 'bfcache' });
  });

  test('a throwing sendBeacon falls back too', async () => {
    withSendBeacon(() => {
      throw new TypeError('no beacons here');
    });
    const arrival = nextArrival();
    await deliverCancel(target(), 'spa-navigation');
    await arrival;
    assert.equal(JSON.parse(atCancel()[0]!.body).reason, 'spa-navigation');
  });

  test('nothing is sent without a cancel URL or token', async () => {
    withSendBeacon(() => assert.fail('no beacon expected'));
    assert.equal((await deliverCancel({ ...target(), token: '' }, 'page-unload')).outcome, 'skipped');
    assert.equal((await deliverCancel({ ...target(), url: '' }, 'close-button')).outcome, 'skipped');
    assert.equal(received.length, 0);
  });
});
