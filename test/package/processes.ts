/** Running the commands the package test needs (build, pack, install, the bin), output kept. */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Sends stdout to this file and reads it back at the end: a CLI that calls `process.exit()`
   * right after a large write loses the end of it on a pipe, never on a file.
   */
  stdoutFile?: string;
}

/** Runs a command to completion and resolves with its exit code and output, even when it fails. */
export function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const stdoutFd = options.stdoutFile ? openSync(options.stdoutFile, 'w') : undefined;
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (stdoutFd !== undefined && options.stdoutFile) {
        closeSync(stdoutFd);
        stdout = readFileSync(options.stdoutFile, 'utf8');
      }
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** Runs a command that must succeed; the error carries its output. */
export async function runOrThrow(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}
