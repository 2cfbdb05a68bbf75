/**
 * Client addresses for rate limiting come from trusted proxies only, over real HTTP from
 * several loopback addresses (each a different client): a missing or malformed header falls
 * back to the socket address (never to no limit), a forged header cannot spend a victim's
 * budget, a CDN and a load balancer are two hops, IPv6 clients are limited by their /64. And
 * signals (heartbeats, revokes) never use up the budget a cancel needs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { limitKey, parseIp, parseRanges, inRange } from '../../src/relay/http/ip-address.js';
import { SHOP_ORIGIN, startHarness, type Harness } from './harness.js';
import { requestFrom } from './relay-process.js';
import type { RelayOptions } from '../../src/relay/index.js';

const BUDGET = 3;
const tight: Partial<RelayOptions> = { rateLimit: { perClientIp: { limit: BUDGET, windowMs: 60_000 } } };

/** Statuses of `count` cancel requests (malformed: only the per-address budget matters) from one local address. */
async function spend(h: Harness, from: string, count: number, headers: Record<string, string> = {}): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await requestFrom(from, `${h.relayUrl}/bank-pay/cancel`, { headers: { 'content-type': 'text/plain', origin: SHOP_ORIGIN, ...headers }, body: '{}' });
    statuses.push(answer.status);
  }
  return statuses;
}
const limited = (statuses: number[]) => statuses.filter((status) => status === 429).length;

describe('client IP from trusted proxies', () => {
  describe('trusting one hop (a load balancer)', () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ relay: { ...tight, trustProxy: 1 } });
    });
    after(() => h.close());

    test('a request without the header is limited by its socket address, never left unlimited', async () => {
      assert.equal(limited(await spend(h, '127.0.0.2', BUDGET + 3)), 3);
    });

    test('a malformed header falls back to the socket address', async () => {
      assert.equal(limited(await spend(h, '127.0.0.3', BUDGET + 2, { 'x-forwarded-for': 'not-an-address' })), 2);
      assert.equal(limited(await spend(h, '127.0.0.3', 1, { 'x-forwarded-for': '999.1.1.1' })), 1, 'the same budget');
    });

    test('the entry the proxy appended is the client; what the client wrote before it is not believed', async () => {
      // Two shoppers behind the balancer, each having written a forged first entry.
      assert.equal(limited(await spend(h, '127.0.0.4', BUDGET, { 'x-forwarded-for': '203.0.113.9, 198.51.100.1' })), 0);
      assert.equal(limited(await spend(h, '127.0.0.4', BUDGET, { 'x-forwarded-for': '203.0.113.9, 198.51.100.2' })), 0, 'another client, its own budget');
      assert.equal(limited(await spend(h, '127.0.0.4', 1, { 'x-forwarded-for': '198.51.100.1' })), 1, 'the first client has spent its budget');
    });

    test('IPv6 clients are limited by their /64, so rotating addresses in it does not help', async () => {
      const within = ['2001:db8:1:2::1', '2001:db8:1:2::ffff', '2001:db8:1:2:aaaa::3', '[2001:db8:1:2::4]:443'];
      const statuses = [];
      for (const address of within) statuses.push(...(await spend(h, '127.0.0.5', 1, { 'x-forwarded-for': address })));
      assert.equal(limited(statuses), 1);
      assert.equal(limited(await spend(h, '127.0.0.5', 1, { 'x-forwarded-for': '2001:db8:1:3::1' })), 0, 'the next /64 is someone else');
    });
  });

  describe('trusting a list of proxy addresses', () => {
    let h: Harness;
    before(async () => {
      // Only 127.0.0.10 is "the load balancer"; every other loopback address is a direct client.
      h = await startHarness({ relay: { ...tight, trustProxy: ['127.0.0.10', '10.0.0.0/8'] } });
    });
    after(() => h.close());

    test("a header from a client that is not a trusted proxy is ignored: a forged victim's address cannot spend the victim's budget", async () => {
      const victim = '127.0.0.20';
      assert.equal(limited(await spend(h, '127.0.0.21', BUDGET + 5, { 'x-forwarded-for': victim })), 5, 'the attacker is limited as itself');
      assert.equal(limited(await spend(h, victim, BUDGET)), 0, 'the victim keeps its whole budget');
    });

    test('through the trusted proxy, the walk stops at the first address that is not one of the proxies', async () => {
      const via = (chain: string) => spend(h, '127.0.0.10', 1, { 'x-forwarded-for': chain });
      const statuses = [];
      for (let i = 0; i <= BUDGET; i++) statuses.push(...(await via(`6.6.6.6, 192.0.2.7, 10.1.2.3`)));
      assert.equal(limited(statuses), 1, 'client 192.0.2.7, behind an inner proxy 10.1.2.3');
      assert.equal(limited(await via('192.0.2.8, 10.1.2.3')), 0, 'a different client');
    });
  });

  test('a CDN and a load balancer: two hops, so shoppers sharing one CDN edge have budgets of their own', async () => {
    const h = await startHarness({ relay: { ...tight, trustProxy: 2 } });
    try {
      const edge = '203.0.113.50';
      assert.equal(limited(await spend(h, '127.0.0.30', BUDGET, { 'x-forwarded-for': `198.51.100.10, ${edge}` })), 0);
      assert.equal(limited(await spend(h, '127.0.0.30', BUDGET, { 'x-forwarded-for': `198.51.100.11, ${edge}` })), 0);
      assert.equal(limited(await spend(h, '127.0.0.30', 1, { 'x-forwarded-for': `198.51.100.10, ${edge}` })), 1);
    } finally {
      await h.close();
    }
  });

  test('the older setting, a header alone, now falls back to the socket address when the header is missing', async () => {
    const h = await startHarness({ relay: { ...tight, clientIpHeader: 'x-forwarded-for' } });
    try {
      assert.equal(limited(await spend(h, '127.0.0.40', BUDGET + 4)), 4);
    } finally {
      await h.close();
    }
  });

  test('a bad trustProxy setting stops the relay from starting', async () => {
    for (const trustProxy of [0, 1.5, [], ['10.0.0.0/33'], ['shop.example']]) {
      await assert.rejects(startHarness({ relay: { trustProxy } }), /trustProxy/, JSON.stringify(trustProxy));
    }
  });
});

describe('separate budgets: signals never use up what a cancel needs', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('20 revokes in a minute for one session, then its confirm: the cancel goes through', async () => {
    const session = await h.newSession();
    const revokes = [];
    for (let i = 0; i < 20; i++) revokes.push((await h.signal(session, i % 2 ? 'revoke' : 'intent')).http);
    assert.ok(revokes.every((status) => status === 200), 'the signal budget held 20');
    assert.equal((await h.signal(session, 'revoke')).http, 429, 'and the 21st signal is over it');
    const { http, body } = await h.cancel(session, { reason: 'page-unload' });
    assert.deepEqual([http, body.outcome], [200, 'cancelled']);
  });
});

describe('addresses, ranges and limit keys', () => {
  test('parses what proxies and sockets write, refuses the rest', () => {
    const cases: Array<[string, string | undefined]> = [
      ['192.0.2.1', '192.0.2.1'],
      [' 192.0.2.1 ', '192.0.2.1'],
      ['192.0.2.1:8080', '192.0.2.1'],
      ['::ffff:192.0.2.1', '192.0.2.1'],
      ['[2001:db8::1]:443', '2001:db8:0:0::/64'],
      ['fe80::1%eth0', 'fe80:0:0:0::/64'],
      ['01.2.3.4', undefined],
      ['256.1.1.1', undefined],
      ['1.2.3', undefined],
      ['2001:db8::1::2', undefined],
      ['unknown', undefined],
      ['', undefined],
    ];
    for (const [input, key] of cases) {
      const ip = parseIp(input);
      assert.equal(ip ? limitKey(ip) : undefined, key, input);
    }
  });

  test('ranges: CIDR, single addresses and the named ranges', () => {
    const contains = (range: string, address: string) => parseRanges(range)!.some((r) => inRange(parseIp(address)!, r));
    assert.ok(contains('10.0.0.0/8', '10.255.1.2'));
    assert.ok(!contains('10.0.0.0/8', '11.0.0.1'));
    assert.ok(contains('172.16.0.0/12', '172.31.255.255') && !contains('172.16.0.0/12', '172.32.0.0'));
    assert.ok(contains('loopback', '127.0.0.9') && contains('loopback', '::1'));
    assert.ok(contains('uniquelocal', 'fd12::1') && contains('linklocal', '169.254.1.1'));
    assert.ok(contains('2001:db8::/32', '2001:db8:ffff::1') && !contains('2001:db8::/32', '2001:db9::1'));
    assert.ok(!contains('10.0.0.0/8', '::ffff:11.0.0.1') && contains('10.0.0.0/8', '::ffff:10.0.0.1'));
    for (const bad of ['10.0.0.0/33', '10.0.0.0/x', 'example.com', '10.0.0.0/8/8']) assert.equal(parseRanges(bad), undefined, bad);
  });
});
