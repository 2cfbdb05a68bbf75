/** A server started as a child process (`next start`), awaited until it answers, stopped by its pid. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServerProcess {
  /** Everything it printed, to explain a failure. */
  output(): string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `command` and resolves once `readyUrl` answers (any status); fails if it exits first. */
export async function startServerProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; readyUrl: string; timeoutMs?: number },
): Promise<ServerProcess> {
  let output = '';
  // Its own process group, so stopping it also stops anything it started.
  const child: ChildProcess = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));

  const stop = async () => {
    if (!running || child.pid === undefined) return;
    process.kill(-child.pid, 'SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (running) process.kill(-child.pid, 'SIGKILL');
  };

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (!running) throw new Error(`${command} ${args.join(' ')} exited before it answered:\n${output}`);
    const answered = await fetch(options.readyUrl).then(
      () => true,
      () => false,
    );
    if (answered) return { output: () => output, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.readyUrl} did not answer in time:\n${output}`);
    }
    await sleep(200);
  }
}
