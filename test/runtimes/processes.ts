/**
 * A server process of the runtimes tests: its output kept, a line awaited, and stopped with
 * its children (wrangler starts workerd), by its own process group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createNetServer, type AddressInfo } from 'node:net';

export interface ServerProcess {
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with the first value `match` finds in a line; rejects if it exits or the time runs out. */
  waitFor<T>(match: (line: string) => T | undefined, what: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export function startServer(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): ServerProcess {
  // Its own process group, so stop() reaches the children too.
  const child: ChildProcess = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let text = '';
  let exited: string | undefined;
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((listener) => listener());
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => ((text += chunk), changed()));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => ((text += chunk), changed()));
  child.on('error', (error) => ((exited = `could not start: ${error.message}`), changed()));
  child.on('exit', (code, signal) => ((exited = `exited with ${signal ?? code}`), changed()));

  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };

  return {
    output: () => text,
    waitFor(match, what, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const line of text.split('\n')) {
            const value = match(line);
            if (value !== undefined) return finish(() => resolve(value));
          }
          if (exited) finish(() => reject(new Error(`${command} ${exited} before ${what}; its output:\n${text}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`no ${what} within ${timeoutMs} ms from ${command}; its output:\n${text}`))), timeoutMs);
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    async stop() {
      if (exited || !child.pid) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
      // workerd may outlive wrangler by a moment; the group is ours alone.
      signalGroup('SIGKILL');
    },
  };
}

/** The first line that is a JSON object with this key, parsed. */
export function jsonLineWith<T extends object>(key: string): (line: string) => T | undefined {
  return (line) => {
    if (!line.startsWith('{')) return undefined;
    try {
      const value = JSON.parse(line) as Record<string, unknown>;
      return key in value ? (value as T) : undefined;
    } catch {
      return undefined;
    }
  };
}

/** A free loopback port, for servers (wrangler) that cannot be asked for port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
