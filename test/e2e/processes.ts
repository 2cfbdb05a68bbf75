/**
 * A browser's processes, read from /proc (Linux only), for the cases that kill a content
 * process as the system's out-of-memory killer does: the tab first holds a large buffer, so
 * its own process is the heaviest of its kind, and that one gets SIGKILL.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  /** Resident memory, in bytes. */
  readonly rss: number;
  readonly command: string;
}

const PAGE_BYTES = 4096;

function processes(): ProcessEntry[] {
  const found: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: fields are counted after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      found.push({
        pid: Number(name),
        ppid: Number(fields[1]),
        rss: Number(fields[21]) * PAGE_BYTES,
        command: readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' '),
      });
    } catch {
      // Gone while being read.
    }
  }
  return found;
}

/** Every process below `root` (content processes are often grandchildren: a zygote or fork server sits between). */
export function descendants(root: number): ProcessEntry[] {
  const all = processes();
  const below = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const entry of all) {
      if (below.has(entry.ppid) && !below.has(entry.pid)) {
        below.add(entry.pid);
        grew = true;
      }
    }
  }
  return all.filter((entry) => entry.pid !== root && below.has(entry.pid));
}

export function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** What a tab evaluates first, so its content process is the heaviest: 200 MB it really touches. */
export const BALLAST = '(window.__ballast = new Uint8Array(200e6).fill(1), true)';

/**
 * Kills (SIGKILL) the heaviest process below `root` whose command line contains `kind`
 * (`--type=renderer`, `-contentproc`, `WebKitWebProcess`): the tab's own, once it holds the
 * ballast. Returns its pid.
 */
export function killHeaviest(root: number, kind: string): number {
  const [heaviest] = descendants(root)
    .filter((entry) => entry.command.includes(kind))
    .sort((a, b) => b.rss - a.rss);
  if (!heaviest) throw new Error(`no ${kind} process below ${root}`);
  kill(heaviest.pid);
  return heaviest.pid;
}
