/** `startSandbox`: the sandbox listening on a real port through @hono/node-server. */

import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createSandbox, type Sandbox } from './app.js';
import { DEFAULT_HOST, DEFAULT_PORT, type SandboxOptions } from './options.js';

export interface StartSandboxOptions extends SandboxOptions {
  /** 0 picks any free port. Default 4010. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningSandbox {
  /** Base URL, e.g. `http://127.0.0.1:4010`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly sandbox: Sandbox;
  /** Stops the timer, closes open connections and the listener. */
  close(): Promise<void>;
}

/** The URL a client on this machine uses for a listening address. */
function baseUrlFor(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const { port = DEFAULT_PORT, host = DEFAULT_HOST, ...sandboxOptions } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError(`port must be an integer from 0 to 65535, got ${String(port)}`);
  const sandbox = createSandbox(sandboxOptions);
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const listening = serve({ fetch: sandbox.app.fetch, port, hostname: host }) as Server;
      listening.once('listening', () => resolve(listening));
      listening.once('error', reject);
    });
  } catch (error) {
    sandbox.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use` : `the sandbox could not listen on ${host}:${port} (${code ?? 'error'})`);
  }
  const actualPort = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: baseUrlFor(host, actualPort),
    port: actualPort,
    sandbox,
    close() {
      closing ??= new Promise<void>((resolve) => {
        sandbox.close();
        server.close(() => resolve());
        // Keep-alive connections would hold close() open until they time out.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
