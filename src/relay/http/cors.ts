/**
 * CORS for the page routes: the exact origins on the allow list, GET and POST, the
 * Content-Type header, preflights cached ten minutes. Written for this relay rather than
 * taken from hono/cors, which appends `Vary` to the response after the handler: on
 * @hono/node-server that turns every answer from the fast path (headers and body written
 * at once) into a full Fetch Response read back as a stream, a cost larger than the cancel's
 * own checks. Here every header is set before the handler runs.
 */

import type { MiddlewareHandler } from 'hono';

const ALLOW_METHODS = 'GET,POST';
const ALLOW_HEADERS = 'Content-Type';
const MAX_AGE_SECONDS = '600';

export function corsForPages(allowedOrigins: ReadonlySet<string>): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('origin');
    const allowed = origin !== undefined && allowedOrigins.has(origin);
    if (c.req.method === 'OPTIONS') {
      const headers: Record<string, string> = { vary: 'Origin, Access-Control-Request-Headers' };
      if (allowed) {
        headers['access-control-allow-origin'] = origin;
        headers['access-control-allow-methods'] = ALLOW_METHODS;
        headers['access-control-allow-headers'] = ALLOW_HEADERS;
        headers['access-control-max-age'] = MAX_AGE_SECONDS;
      }
      return c.body(null, 204, headers);
    }
    c.header('vary', 'Origin');
    if (allowed) c.header('access-control-allow-origin', origin);
    await next();
  };
}
