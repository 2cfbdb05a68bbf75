/**
 * Expiry from the wall clock. Timers are only reminders: a frozen or hidden page fires them
 * late, so every check compares `expires-at` with the current time instead of trusting them.
 */

/** setTimeout's largest delay; a longer one fires at once. */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

/**
 * `expires-at` as epoch milliseconds: a number, a string of digits, or an ISO 8601 date.
 * Undefined when it is absent or unreadable (the session then never expires on the client).
 */
export function parseExpiresAt(value: unknown): number | undefined {
  // '', null and undefined parse as NaN below.
  const text = String(value).trim();
  const ms = typeof value === 'number' || /^\d+$/.test(text) ? Number(value) : Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** How long to wait before checking again; 0 means expired now. */
export function expiryDelay(expiresAt: number, now: number): number {
  return Math.min(Math.max(expiresAt - now, 0), MAX_TIMER_DELAY_MS);
}
