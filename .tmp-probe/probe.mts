import { connect } from 'node:net';
import { Hono } from 'hono';
import { serveRelay } from '/work/wt-hostile/src/relay/node.ts';
const app = new Hono(); app.post('/x', async (c) => c.text(await c.req.text()));
const served = await serveRelay(app, { port: 0, host: '127.0.0.1', headersTimeoutMs: 1000, requestTimeoutMs: 2000 });
const t0 = Date.now();
const probe = (name: string, send: (s: ReturnType<typeof connect>) => void) => new Promise<void>((resolve) => {
  const s = connect(served.port, '127.0.0.1', () => send(s));
  s.on('data', (d) => console.log(name, 'data', JSON.stringify(String(d).slice(0, 40))));
  s.on('close', () => { console.log(name, 'closed after', Date.now() - t0); resolve(); });
  s.on('error', () => {});
});
await Promise.all([
  probe('nothing', () => {}),
  probe('partial-headers', (s) => s.write('POST /x HTTP/1.1\r\nHost: a\r\n')),
  probe('slow-body', (s) => { s.write('POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n'); const t = setInterval(() => s.write('a'), 300); s.on('close', () => clearInterval(t)); }),
]);
console.log(served.connections());
await served.close();
