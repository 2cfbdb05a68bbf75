/**
 * Servers under measurement run in their own processes, so the load generator, the browser
 * driver and the server do not share one event loop (which would measure the bench, not the
 * server). The parent talks to each child over Node's IPC channel.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ChildServer<Ready> {
  readonly process: ChildProcess;
  readonly pid: number;
  /** The child's first message: what it is listening on. */
  readonly ready: Ready;
  /** Sends a request and resolves with the child's answer to it (matched by id). */
  request<Answer>(message: Record<string, unknown>, timeoutMs?: number): Promise<Answer>;
  /** SIGTERM, then SIGKILL after a bound; resolves once the process is gone. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface ForkOptions {
  /** Extra `execArgv`, e.g. `['--import', 'tsx']` to run a .ts entry. */
  readonly execArgv?: readonly string[];
  /** Secrets travel in the environment of this one child, never on its command line (ps shows that). */
  readonly env?: Record<string, string>;
  readonly readyTimeoutMs?: number;
}

let nextRequestId = 1;

export async function forkServer<Ready>(entry: string, options: ForkOptions = {}): Promise<ChildServer<Ready>> {
  const child = fork(entry, [], {
    execArgv: [...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    // The child's own stdout is noise here (audit lines, banners); its errors are worth seeing.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  child.on('message', (message: { id?: number; answer?: unknown; error?: string }) => {
    if (typeof message?.id !== 'number') return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error));
    else waiter.resolve(message.answer);
  });
  void exited.then(() => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${entry} exited`));
    pending.clear();
  });

  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start within ${options.readyTimeoutMs ?? 30_000} ms`)), options.readyTimeoutMs ?? 30_000);
    child.once('message', (message: { ready?: Ready; error?: string }) => {
      clearTimeout(timer);
      if (message.ready) resolve(message.ready);
      else reject(new Error(`${entry} failed to start: ${message.error ?? 'no ready message'}`));
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited before it was ready`));
    });
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw error;
  });

  return {
    process: child,
    pid: child.pid!,
    ready,
    request<Answer>(message: Record<string, unknown>, timeoutMs = 60_000): Promise<Answer> {
      const id = nextRequestId++;
      return new Promise<Answer>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${entry} did not answer ${String(message.type)} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value as Answer);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        child.send({ ...message, id });
      });
    },
    async stop(timeoutMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(killer);
    },
  };
}

/**
 * Child side: answers the parent's requests with `handle`. Each answer carries the request's id;
 * a thrown error is sent back as its message.
 */
export function serveParentRequests(handle: (message: Record<string, unknown>) => Promise<unknown> | unknown): void {
  process.on('message', (message: Record<string, unknown>) => {
    const id = message.id;
    if (typeof id !== 'number') return;
    Promise.resolve()
      .then(() => handle(message))
      .then(
        (answer) => process.send?.({ id, answer }),
        (error: unknown) => process.send?.({ id, error: error instanceof Error ? error.message : String(error) }),
      );
  });
}

/** Tells the parent the child is ready (or why it is not). */
export function announceReady(ready: unknown): void {
  process.send?.({ ready });
}

export function announceFailure(error: unknown): void {
  process.send?.({ error: error instanceof Error ? error.message : String(error) });
}

export interface ProcessMemory {
  /** Resident set size now, in bytes. */
  readonly rssBytes: number;
  /** The highest resident set size the process has had (VmHWM), in bytes. */
  readonly peakRssBytes: number;
}

/** Reads a process's memory from /proc (Linux): the kernel's own count, no cooperation needed. */
export function readProcessMemory(pid: number): ProcessMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kilobytes = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  const rssBytes = kilobytes('VmRSS');
  const peakRssBytes = kilobytes('VmHWM');
  return Number.isFinite(rssBytes) && Number.isFinite(peakRssBytes) ? { rssBytes, peakRssBytes } : undefined;
}
