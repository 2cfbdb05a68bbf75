export type EngineName = 'chromium' | 'firefox' | 'webkit';

export interface EngineInfo {
  readonly name: EngineName;
  /** What reports call it. */
  readonly label: string;
  /** Debian packages that bring it. */
  readonly packages: readonly string[];
  /** The paths it needs; throws when one is missing. */
  locate(): Record<string, string>;
}

export const ENGINES: Record<EngineName, EngineInfo>;
export const ENGINE_NAMES: EngineName[];
/** True where every engine must be present (CI=true); elsewhere a missing engine is skipped. */
export function allEnginesRequired(): boolean;
/** The engines BPS_ENGINES asks for (all three when unset). */
export function requestedEngines(): EngineName[];
/** The skip message: what is missing and the apt-get command that brings it. */
export function missingEngineMessage(name: EngineName, reason: string): string;

export type EngineStatus =
  | { readonly name: EngineName; readonly available: true; readonly paths: Record<string, string> }
  | { readonly name: EngineName; readonly available: false; readonly message: string };

/** Where an engine stands on this machine. */
export function engineStatus(name: EngineName): EngineStatus;
