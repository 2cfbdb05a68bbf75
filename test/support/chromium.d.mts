/** Path of the Chromium binary the tests drive; throws with an install hint when none is found. */
export function chromiumPath(): string;
/** The text of that hint. */
export const INSTALL_HINT: string;
/** Flags that keep Chromium quiet on a machine without outside network. */
export const CHROMIUM_ARGS: string[];
