/**
 * A real redis-server for the Redis intent-store tests: started on a free loopback port with
 * no persistence, stopped after. Missing on a developer machine: the tests skip with a message
 * naming the Debian package. Missing in CI (CI=true): a failure, never a silent pass.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { delimiter, join } from 'node:path';
import { freePort } from '../../demo/free-port.js';

export const REDIS_MISSING =
  'redis-server was not found, so the Redis intent-store tests are skipped. Install the Debian package: apt-get install redis-server';

export interface RunningRedis {
  readonly url: string;
  readonly port: number;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

/** BPS_REDIS_SERVER (a path) wins; otherwise Debian's place, then the PATH. */
export function findRedisServer(): string | undefined {
  const chosen = process.env.BPS_REDIS_SERVER;
  if (chosen) return existsSync(chosen) ? chosen : undefined;
  const candidates = ['/usr/bin/redis-server', ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'redis-server'))];
  return candidates.find((path) => existsSync(path));
}


/** True once the server answers PING on the port. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts redis-server, or returns the reason it cannot (throws instead when CI=true). */
export async function startRedisServer(): Promise<RunningRedis | { readonly skip: string }> {
  const binary = findRedisServer();
  if (!binary) {
    if (process.env.CI === 'true') throw new Error(`CI must run the Redis tests: ${REDIS_MISSING}`);
    return { skip: REDIS_MISSING };
  }
  const port = await freePort();
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 10_000;
  while (!(await answersPing(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}: ${stderr.trim() || `exit code ${child.exitCode}`}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
