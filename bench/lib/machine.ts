/** Where and with what the figures were measured, so a reader can judge and reproduce them. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly os: string;
  readonly node: string;
  /** 1-minute load average when the bench started and ended: other work on the machine skews timings. */
  readonly loadAverageStart: number;
  loadAverageEnd?: number;
}

export interface GitInfo {
  readonly commit: string;
  /** Files changed but not committed when the bench ran (the figures measure the working tree). */
  readonly uncommittedFiles: number;
}

const PACKAGES = ['lit', 'hono', '@hono/node-server', 'vite', 'playwright-core', 'autocannon', 'react', 'vue'] as const;

export function machineInfo(): MachineInfo {
  const cpuList = cpus();
  return {
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    os: `${process.platform} ${release()}`,
    node: process.version,
    loadAverageStart: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export function packageVersions(root: string): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of PACKAGES) {
    try {
      versions[name] = (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      versions[name] = 'not installed';
    }
  }
  return versions;
}

export function gitInfo(root: string): GitInfo {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  try {
    const status = git('status', '--porcelain', '--untracked-files=no');
    return { commit: git('rev-parse', '--short', 'HEAD'), uncommittedFiles: status ? status.split('\n').length : 0 };
  } catch {
    return { commit: 'unknown', uncommittedFiles: 0 };
  }
}

export function currentLoadAverage(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}
