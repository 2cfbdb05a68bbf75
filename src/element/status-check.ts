/**
 * Asks the relay for the provider's status of the session. Used on resume paths (bfcache
 * restore, tab visible again, page resumed) where the session may have ended meanwhile.
 */
import { isSessionStatus, type SessionStatus } from '../protocol/status.js';

/** The provider status, or undefined when the relay cannot say (network error, bad answer). */
export async function fetchSessionStatus(url: string): Promise<SessionStatus | undefined> {
  try {
    // no-store: a page restored from the back/forward cache must not read an old answer.
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok) return undefined;
    // The relay answers with the canonical name (it normalizes the provider's spellings).
    const status = ((await response.json()) as { status?: unknown } | null)?.status;
    return isSessionStatus(status) ? status : undefined;
  } catch {
    return undefined;
  }
}
