/**
 * Free loopback ports for tests, benchmarks and scripts that run servers beside each other.
 *
 * A port is handed out from below Linux's ephemeral range (32768–60999 by default), so an
 * outgoing connection elsewhere on the machine never takes it as its source port between the
 * probe and the real listen. Only another probe running at the same moment can still collide;
 * `isPortTaken` recognises that failure so a caller can start again on a new port.
 */
import { createServer } from 'node:net';

const TEST_PORT_RANGE = { low: 20_000, high: 32_000 } as const;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** A loopback port that nothing listens on now. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = TEST_PORT_RANGE.low + Math.floor(Math.random() * (TEST_PORT_RANGE.high - TEST_PORT_RANGE.low));
    if (await portIsFree(port)) return port;
  }
}

/** True for the error a listen on a port already taken ends with (Node's, or Vite's with strictPort). */
export function isPortTaken(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'EADDRINUSE' || (typeof message === 'string' && /port \d+ .*already in use/i.test(message));
}
