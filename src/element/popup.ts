/**
 * How the element runs the hosted flow in a window of its own (docs/element-modes.md): the
 * `mode` attribute, the bound a frame gets to show a sign of life, and the one rule that tells a
 * shopper's close from a link cut by `Cross-Origin-Opener-Policy`. The element watches the
 * window; these only decide.
 */

/**
 * How long after its frame loaded the hosted flow has to post anything before `auto` offers a
 * window instead (and `iframe` shows an error). A refused frame still fires `load` in every
 * engine, then posts nothing; a running flow posts its first step within tens of milliseconds
 * of `load` here. Four seconds leave room for a slow phone without showing a broken frame for long.
 */
export const FRAME_TIMEOUT_MS = 4000;

/**
 * How soon after opening a window that reads closed, with nothing heard from the flow, is
 * taken for COOP rather than a close. COOP makes `closed` read true as the provider's page
 * arrives (0.2 to 1.7 s after opening on loopback here, later over a real network); a
 * shopper rarely closes a bank's page that fast, and when they do, the relay's status and the
 * cancel button still end it. A false close would cancel a shopper who is paying.
 */
export const COOP_WINDOW_MS = 10_000;

/** How often the window's `closed` is read; short, so a close cancels at once. */
export const WINDOW_POLL_MS = 100;

/** How often the relay's status is asked for while the element cannot see the window. */
export const STATUS_POLL_MS = 5000;

/** A popup window rather than a tab, so the checkout stays in view; never `noopener`: its messages are checked by source. */
export const WINDOW_FEATURES = 'popup';

