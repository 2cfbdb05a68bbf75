/** Which address a request comes from, for per-client rate limiting. */

import type { Context } from 'hono';

export interface ClientIpOptions {
  readonly clientIp?: ((c: Context) => string | undefined) | undefined;
  readonly clientIpHeader?: string | undefined;
}

export function clientIpOf(c: Context, options: ClientIpOptions): string | undefined {
  if (options.clientIp) return options.clientIp(c);
  if (options.clientIpHeader) {
    // The last entry is the one the nearest proxy (yours) added; earlier ones are client-supplied.
    const entries = (c.req.header(options.clientIpHeader) ?? '').split(',').map((entry) => entry.trim());
    return entries.filter(Boolean).at(-1);
  }
  // @hono/node-server passes the Node request as c.env.incoming. Read by shape, not by import,
  // so this module stays free of Node APIs and the relay still runs on any fetch runtime.
  const env = c.env as { incoming?: { socket?: { remoteAddress?: unknown } } } | undefined;
  const address = env?.incoming?.socket?.remoteAddress;
  return typeof address === 'string' ? address : undefined;
}
