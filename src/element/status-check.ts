/**
 * Asks the relay for the provider's status of the session. Used on resume paths (bfcache
 * restore, tab visible again, page resumed) where the session may have ended meanwhile.
 */
import { normalizeStatus, type SessionStatus } from '../protocol/status.js';

/** The provider status, or undefined when the relay cannot say (network error, bad answer). */
export async function fetchSessionStatus(url: string): Promise<SessionStatus | undefined> {
  try {
    const response = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { status?: unknown } | null;
    return normalizeStatus(body?.status);
  } catch {
    return undefined;
  }
}
