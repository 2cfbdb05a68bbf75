// A web-test-runner middleware that plays the relay's cancel and signals endpoints and records
// every request the browser really sent (body, content type, how it arrived), so element tests
// assert on what reached the wire rather than on a stubbed sendBeacon.
//
//   POST /__recorder/cancel            records the request, answers {outcome:'cancelled', ...}
//                                      (?outcome=failed&httpStatus=502 changes the answer;
//                                      &status=Completed&statusDetails=EFT0301 its status)
//   POST /__recorder/signals           records a lease signal, answers as the relay does:
//                                      {status, heartbeatMs} (default Initiated, 60 000 ms)
//   PUT  /__recorder/lease/:id         body {status?, heartbeatMs?, httpStatus?}: how the signals
//                                      endpoint answers for that session from now on
//   GET  /__recorder/status/:id        answers the status set with PUT (default Initiated)
//   PUT  /__recorder/status/:id        body {status, statusDetails}
//   GET  /__recorder/requests?sessionId=…   the recorded cancel requests, oldest first
//                                      (&kind=signals: the recorded signals instead)
//   DELETE /__recorder/requests        forgets everything
//   GET  /__recorder/slow-page?delayMs=…    a page that takes that long to arrive (frame stays loading)

const requests = [];
const signals = [];
const statuses = new Map();
/** Per session: how the signals endpoint answers. */
const leases = new Map();
const DEFAULT_LEASE = { status: 'Initiated', heartbeatMs: 60_000, httpStatus: 200 };

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(text, contentType) {
  try {
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      return Object.fromEntries(new URLSearchParams(text));
    }
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function cancelRecorderMiddleware() {
  return async function cancelRecorder(ctx, next) {
    const url = new URL(ctx.url, 'http://recorder.invalid');
    if (!url.pathname.startsWith('/__recorder/')) return next();
    const path = url.pathname.slice('/__recorder'.length);

    if ((path === '/cancel' || path === '/signals') && ctx.method === 'POST') {
      const text = await readBody(ctx.req);
      const contentType = ctx.get('content-type') || '';
      const body = parseBody(text, contentType);
      (path === '/cancel' ? requests : signals).push({
        at: Date.now(),
        contentType,
        text,
        body,
        sessionId: body?.sessionId,
        origin: ctx.get('origin') || null,
        secFetchMode: ctx.get('sec-fetch-mode') || null,
        query: Object.fromEntries(url.searchParams),
      });
      if (path === '/signals') {
        const { httpStatus, ...answer } = { ...DEFAULT_LEASE, ...leases.get(body?.sessionId) };
        ctx.status = httpStatus;
        ctx.type = 'application/json';
        ctx.body = JSON.stringify(httpStatus === 404 ? { error: 'leases are not enabled on this relay' } : answer);
        return;
      }
      const outcome = url.searchParams.get('outcome') ?? 'cancelled';
      const delayMs = Number(url.searchParams.get('delayMs') ?? 0);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      ctx.status = Number(url.searchParams.get('httpStatus') ?? 200);
      ctx.type = 'application/json';
      const status = url.searchParams.get('status') ?? 'Cancelled';
      const statusDetails = url.searchParams.get('statusDetails') ?? 'EFT0501';
      ctx.body = JSON.stringify({ outcome, status, statusDetails });
      return;
    }

    const statusMatch = /^\/status\/([^/]+)$/.exec(path);
    if (statusMatch) {
      const id = decodeURIComponent(statusMatch[1]);
      if (ctx.method === 'PUT') {
        statuses.set(id, JSON.parse(await readBody(ctx.req)));
        ctx.status = 204;
        return;
      }
      ctx.type = 'application/json';
      ctx.body = JSON.stringify(statuses.get(id) ?? { status: 'Initiated', statusDetails: 'EFT0101' });
      return;
    }

    const leaseMatch = /^\/lease\/([^/]+)$/.exec(path);
    if (leaseMatch && ctx.method === 'PUT') {
      const id = decodeURIComponent(leaseMatch[1]);
      leases.set(id, { ...leases.get(id), ...JSON.parse(await readBody(ctx.req)) });
      ctx.status = 204;
      return;
    }

    if (path === '/requests' && ctx.method === 'GET') {
      const sessionId = url.searchParams.get('sessionId');
      const list = url.searchParams.get('kind') === 'signals' ? signals : requests;
      ctx.type = 'application/json';
      ctx.body = JSON.stringify(sessionId ? list.filter((r) => r.sessionId === sessionId) : list);
      return;
    }

    if (path === '/slow-page' && ctx.method === 'GET') {
      await new Promise((resolve) => setTimeout(resolve, Math.min(Number(url.searchParams.get('delayMs') ?? 0), 10_000)));
      ctx.type = 'text/html';
      ctx.body = '<!doctype html><html lang="en"><title>Slow page</title><p>Arrived late.</p></html>';
      return;
    }

    if (path === '/requests' && ctx.method === 'DELETE') {
      requests.length = 0;
      signals.length = 0;
      statuses.clear();
      leases.clear();
      ctx.status = 204;
      return;
    }

    ctx.status = 404;
  };
}
