export interface WebKitDriver {
  readonly hostname: string;
  readonly port: number;
  /** The driver's base URL. */
  readonly url: string;
  /** The private X display MiniBrowser opens its windows on. */
  readonly display: string;
  /** WebKitWebDriver's process: MiniBrowser and its web processes run below it. */
  readonly pid: number;
  /** What a new WebDriver session asks for. */
  readonly capabilities: Record<string, unknown>;
  /** Ends WebKitWebDriver, then Xvfb. */
  stop(): Promise<void>;
}

export interface StartWebKitDriverOptions {
  /** From ENGINES.webkit.locate() when not given. */
  readonly paths?: Record<string, string>;
  readonly startTimeoutMs?: number;
  /** Extra MiniBrowser flags besides --automation. */
  readonly browserArgs?: readonly string[];
}

/** Starts Xvfb on a free display and WebKitWebDriver on a free loopback port. */
export function startWebKitDriver(options?: StartWebKitDriverOptions): Promise<WebKitDriver>;

/** MiniBrowser's session capabilities: WebDriver classic and --automation. */
export function webkitCapabilities(browserPath: string, extraArgs?: readonly string[]): Record<string, unknown>;
