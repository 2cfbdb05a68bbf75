export type RuntimeName = 'node22' | 'node24' | 'node26' | 'bun' | 'deno' | 'wrangler';

export interface RuntimeSpec {
  readonly label: string;
  /** The npm package that ships the binary, and its pinned version. */
  readonly package: string;
  readonly version: string;
  /** The binary's name in node_modules/.bin. */
  readonly bin: string;
}

export interface InstalledRuntime {
  readonly name: RuntimeName;
  readonly label: string;
  readonly version: string;
  /** Absolute path of the binary. */
  readonly bin: string;
  /** The folder it is installed in. */
  readonly dir: string;
}

export const RUNTIMES: Record<RuntimeName, RuntimeSpec>;
/** The Node versions of the supported range other than the machine's. */
export const OTHER_NODES: RuntimeName[];
/** True when BPS_RUNTIMES is unset or names this runtime. */
export function runtimeRequested(name: string): boolean;
export function cacheRoot(): string;
/** The runtime's binary, installed once into the cache; throws saying what could not be installed. */
export function ensureRuntime(name: RuntimeName): Promise<InstalledRuntime>;
/** Environment that keeps the runtimes' CLIs offline and quiet, with caches and logs in `scratch`. */
export function quietEnv(scratch: string): Record<string, string>;
