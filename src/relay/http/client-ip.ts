/**
 * Which address a request comes from, for per-client rate limiting. A proxy header is
 * believed only as far as the merchant's own proxies vouch for it, as Express's
 * `trust proxy` does: either a number of hops counted from the right of the header (each
 * proxy appends the address it saw), or a list of proxy addresses, walked from the socket
 * leftwards until the first address that is not a trusted proxy. A missing or malformed
 * header never means "no limit": it falls back to the socket address.
 */

import type { Context } from 'hono';
import { inRange, limitKey, parseIp, parseRanges, type IpAddress, type IpRange } from './ip-address.js';

/** As configured: hops from the right, or the proxies' addresses and ranges (`10.0.0.0/8`, `loopback`). */
export type TrustProxySetting = number | readonly string[];

/** As resolved by the relay's options. */
export type TrustProxy = { readonly hops: number } | { readonly ranges: readonly IpRange[] };

export interface ClientIpOptions {
  readonly clientIp?: ((c: Context) => string | undefined) | undefined;
  /** The header proxies write the chain into; `x-forwarded-for` unless set. */
  readonly clientIpHeader?: string | undefined;
  readonly trustProxy?: TrustProxy | undefined;
}

/** The setting's problem, or its resolved form. */
export function resolveTrustProxy(setting: TrustProxySetting): { trust: TrustProxy } | { problem: string } {
  if (typeof setting === 'number') {
    if (!Number.isInteger(setting) || setting < 1 || setting > 16) return { problem: 'must be a whole number of proxy hops from 1 to 16, or a list of proxy addresses' };
    return { trust: { hops: setting } };
  }
  if (!Array.isArray(setting) || setting.length === 0) return { problem: 'must be a number of hops or a non-empty list of proxy addresses' };
  const ranges: IpRange[] = [];
  for (const entry of setting) {
    const parsed = typeof entry === 'string' ? parseRanges(entry) : undefined;
    if (!parsed) return { problem: `"${String(entry).slice(0, 60)}" is not an address, a CIDR range or one of loopback, linklocal, uniquelocal` };
    ranges.push(...parsed);
  }
  return { trust: { ranges } };
}

/** The socket's peer on Node (@hono/node-server passes the Node request as c.env.incoming). */
export function socketAddressOf(c: Context): string | undefined {
  // Read by shape, not by import, so this module stays free of Node APIs.
  const env = c.env as { incoming?: { socket?: { remoteAddress?: unknown } } } | undefined;
  const address = env?.incoming?.socket?.remoteAddress;
  return typeof address === 'string' ? address : undefined;
}

/** True when `address` is one of the trusted proxies: every peer counts as one when trust is by hops. */
export function isTrustedProxy(trust: TrustProxy | undefined, address: string): boolean {
  if (!trust) return false;
  if ('hops' in trust) return true;
  const ip = parseIp(address);
  return ip !== undefined && trust.ranges.some((range) => inRange(ip, range));
}

/** The client address as far as the trusted proxies vouch for it; undefined when malformed. */
function fromChain(chain: readonly string[], trust: TrustProxy, socket: IpAddress | undefined): IpAddress | undefined {
  if ('hops' in trust) {
    if (chain.length === 0) return socket;
    // Fewer entries than hops: the furthest one there is (each was appended by a trusted proxy).
    return parseIp(chain[Math.max(0, chain.length - trust.hops)]!);
  }
  const trusted = (ip: IpAddress) => trust.ranges.some((range) => inRange(ip, range));
  if (!socket || !trusted(socket)) return socket;
  let current: IpAddress = socket;
  for (let i = chain.length - 1; i >= 0; i--) {
    const next = parseIp(chain[i]!);
    if (!next) return undefined;
    current = next;
    if (!trusted(current)) return current;
  }
  return current; // every hop is a trusted proxy: the leftmost one is as close to the client as it gets
}

/** The rate-limit key of the request's client; undefined only on a runtime that gives no address at all. */
export function clientIpOf(c: Context, options: ClientIpOptions): string | undefined {
  const socketText = socketAddressOf(c);
  const socket = socketText === undefined ? undefined : parseIp(socketText);
  const fallback = socket ? limitKey(socket) : socketText;
  if (options.clientIp) {
    const chosen = options.clientIp(c);
    const ip = chosen === undefined ? undefined : parseIp(chosen);
    return ip ? limitKey(ip) : fallback;
  }
  if (!options.trustProxy) return fallback;
  const header = c.req.header(options.clientIpHeader ?? 'x-forwarded-for');
  // Bounded before splitting, keeping its right end (the entries the trusted proxies wrote).
  const chain = header === undefined ? [] : header.slice(-2048).split(',').map((entry) => entry.trim()).filter(Boolean);
  const client = fromChain(chain, options.trustProxy, socket);
  return client ? limitKey(client) : fallback;
}
