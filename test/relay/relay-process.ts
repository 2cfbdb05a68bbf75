/**
 * `bank-pay-session relay` as a real process for the hostile-load and shutdown tests: env
 * configuration, its JSON lines read back from stdout, real signals, and (optionally) a lower
 * file-descriptor limit set by the shell before exec, as `ulimit -n` in a container.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { eventually } from './harness.js';

// The source entry, through tsx: bin/ prefers a built dist/ when one exists, which may be stale.
const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

export interface RelayProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:port`, once listening. */
  readonly url: string;
  readonly port: number;
  /** Every JSON line written to stdout so far. */
  lines(): Array<Record<string, unknown>>;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if still running (test cleanup). */
  kill(): Promise<void>;
}

export interface RelayProcessOptions {
  /** `ulimit -n` for the process (its soft file-descriptor limit). */
  readonly openFiles?: number;
  readonly args?: readonly string[];
}

export async function startRelayProcess(env: Record<string, string>, options: RelayProcessOptions = {}): Promise<RelayProcess> {
  const argv = [process.execPath, '--import', 'tsx', CLI, 'relay', '--port', '0', '--host', '127.0.0.1', ...(options.args ?? [])];
  const quoted = argv.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  const child =
    options.openFiles === undefined
      ? spawn(argv[0]!, argv.slice(1), { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('/bin/sh', ['-c', `ulimit -n ${options.openFiles} && exec ${quoted}`], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = await eventually(
    () => {
      if (gone) throw new Error(`the relay exited before listening: ${err}`);
      return /listening on (http:\/\/[^\s/]+)/.exec(out)?.[1];
    },
    30_000,
    'the relay to listen',
  );
  return {
    child,
    url,
    port: Number(new URL(url).port),
    lines: () =>
      out
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    stdout: () => out,
    stderr: () => err,
    exited,
    async kill() {
      if (!gone) child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface RawAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * One HTTP request from a chosen local address (127.0.0.x: every loopback address reaches
 * the relay, each is a different client to it), on its own connection.
 */
export function requestFrom(
  localAddress: string,
  url: string,
  { method = 'POST', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, localAddress, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
