/**
 * The lease ledger's rules: what every signal does to a session's entry, as one pure function.
 * This is the only table of rules in the project: the memory and Redis stores only store what
 * it returns (atomically, by compare-and-set), the sweeper only feeds it.
 *
 * | event                                   | a live entry's deadline becomes                 |
 * |-----------------------------------------|-------------------------------------------------|
 * | `register` (createSession)              | now + the start allowance (`never-alive`)       |
 * | `alive` (heartbeat, visible page)       | now + the lease (`lease-lapsed`)                |
 * | `hidden` (tab hidden)                   | now + the away allowance (`away-lapsed`)        |
 * | `intent` (beforeunload, no prompt)      | now + the intent grace (`intent-grace`), if sooner |
 * | `revoke` (still alive after an intent)  | now + the lease (`lease-lapsed`)                |
 * | `confirm` (a cancel request)            | claimed by this instance (`confirm`): cancel now |
 * | `ended` (webhook, status read)          | closed: nothing to cancel                       |
 * | every deadline                          | never past the merchant's maximum age (`max-age`) |
 *
 * When a deadline passes, one sweeper `claim`s the entry (the claim itself lapses, so another
 * relay instance takes over if this one dies), reads the provider status, and then either
 * `act`s (a cancel), `ended`s it, or `release`s it for later (the provider could not be
 * asked). A page still alive (`alive`, `hidden`, `revoke`) wins over a claim for a lapsed
 * lease: the claim's `act` then finds the entry changed and cancels nothing. Every doubt
 * keeps the session.
 *
 * A cancel under way (a `confirm`, or an `act`) is itself a claim, marked `cancelling`: the
 * instance running it renews it, and `settle`s it when the provider has answered (closed; a
 * cancel that failed for good is forgotten, so a later signal or confirm may try again). If
 * that instance dies or shuts down first, the claim lapses (a shutdown `release`s it at
 * once) and another instance's sweeper claims it and finishes the cancel: an accepted cancel
 * outlives the process that accepted it whenever the store does (Redis).
 *
 * Entries hold no token or secret: only the session id, deadlines and the token's expiry.
 */

import type { SessionStatus } from '../../protocol/status.js';

/** Why a deadline is what it is; the audit line of a cancel the sweeper makes names it. */
export type LeaseRule = 'never-alive' | 'lease-lapsed' | 'away-lapsed' | 'intent-grace' | 'max-age' | 'confirm';
/** The rules a deadline can lapse by (a confirm never waits). */
export type LapseRule = Exclude<LeaseRule, 'confirm'>;

export interface LedgerSettings {
  /** How long a visible page's heartbeat holds the session. */
  readonly leaseMs: number;
  /** How long after `hidden` the session is held; undefined: until its token expires. */
  readonly awayMs: number | undefined;
  /** How long after `intent` the relay waits for a revoke. */
  readonly intentGraceMs: number;
  /** How long a session registered at creation waits for its page's first signal. */
  readonly startMs: number;
  /** The merchant's maximum session age, counted from the first time the ledger saw it. */
  readonly maxAgeMs: number | undefined;
  /** How long a sweeper's claim holds before another may take the entry over. */
  readonly claimMs: number;
  /** How long a closed entry is remembered, so a late or duplicate signal changes nothing. */
  readonly closedMemoryMs: number;
}

interface EntryBase {
  /** Lower-cased session id. */
  readonly sessionId: string;
  /** When the cancel token expires (epoch ms): nothing is cancelled past it, the provider expires the session. */
  readonly tokenExpiresAt: number;
  /** When the ledger first saw the session (epoch ms): the maximum age counts from it. */
  readonly firstSeenAt: number;
  /** The last signal from the page (epoch ms): an audit line's latency counts from it. */
  readonly signalAt: number;
}

export type LedgerEntry =
  | (EntryBase & {
      readonly state: 'live';
      /** When the sweeper acts, unless a signal moves it first. */
      readonly deadline: number;
      readonly rule: LapseRule;
      /** When the provider status was last read for a heartbeat's answer (epoch ms), 0: never. */
      readonly statusReadAt: number;
    })
  | (EntryBase & {
      readonly state: 'claimed';
      /** When the claim lapses: another sweeper may then take the entry over. */
      readonly deadline: number;
      /** `confirm` for a page's cancel; otherwise the lapse the sweeper is acting on. */
      readonly rule: LeaseRule;
      readonly claimId: string;
      readonly statusReadAt: number;
      /**
       * The cancel is under way: no page signal revives the session, and whoever takes a
       * lapsed claim over sends the cancel without asking the provider first.
       */
      readonly cancelling?: true;
    })
  | (EntryBase & {
      readonly state: 'closed';
      /** When the entry is forgotten. */
      readonly deadline: number;
      /** `cancel`: the relay cancelled (or is cancelling) it; `ended`: the provider ended it. */
      readonly closedBy: 'cancel' | 'ended';
      /** With `ended`, the status the provider reported. */
      readonly status?: SessionStatus;
    });

export type LedgerEvent =
  | { readonly type: 'register'; readonly tokenExpiresAt: number }
  | { readonly type: 'alive' | 'hidden' | 'intent' | 'revoke'; readonly tokenExpiresAt: number }
  /** `claimId`: this instance's claim on the cancel it is about to send. */
  | { readonly type: 'confirm'; readonly tokenExpiresAt: number; readonly claimId: string }
  | { readonly type: 'ended'; readonly status: SessionStatus }
  | { readonly type: 'status-read' }
  | { readonly type: 'claim'; readonly claimId: string }
  | { readonly type: 'renew'; readonly claimId: string }
  | { readonly type: 'act'; readonly claimId: string }
  | { readonly type: 'release'; readonly claimId: string; readonly retryInMs: number }
  /** The provider answered the cancel: `ended` when it said the session was over already; `failed` when it never could. */
  | { readonly type: 'settle'; readonly claimId: string; readonly ended?: SessionStatus; readonly failed?: boolean };

export type LedgerVerdict =
  | 'tracked' // the entry is live with its new deadline
  | 'act' // cancel now (a confirm, or a claim acted on): the entry is this caller's cancelling claim
  | 'cancelling' // a confirm found another live claim cancelling the session: nothing more is sent
  | 'claimed' // this sweeper holds the entry: read the status, then act, end or release
  | 'closed' // the entry was closed already: nothing more happens (one provider call per session)
  | 'ended' // the session is over at the provider: nothing to cancel
  | 'not-due' // a claim found the deadline not passed (a signal moved it)
  | 'lost-claim' // the claim was overtaken (a page signal, another sweeper): do nothing
  | 'expired' // a claim found the token expired: the provider expires the session itself; forgotten
  | 'unknown'; // no entry for a sweeper event

export interface LedgerStep {
  readonly verdict: LedgerVerdict;
  /** The entry to store; undefined: delete it. Unchanged when `write` is false. */
  readonly entry: LedgerEntry | undefined;
  readonly write: boolean;
}

const keep = (entry: LedgerEntry | undefined, verdict: LedgerVerdict): LedgerStep => ({ verdict, entry, write: false });
const store = (entry: LedgerEntry | undefined, verdict: LedgerVerdict): LedgerStep => ({ verdict, entry, write: true });

/** The deadline a page signal sets, and the rule behind it, capped by the maximum age. */
function pageDeadline(
  type: 'register' | 'alive' | 'hidden' | 'intent' | 'revoke',
  current: { readonly deadline: number; readonly rule: LapseRule } | undefined,
  base: EntryBase,
  now: number,
  settings: LedgerSettings,
): { deadline: number; rule: LapseRule } {
  let deadline: number;
  let rule: LapseRule;
  switch (type) {
    case 'register':
      [deadline, rule] = [now + settings.startMs, 'never-alive'];
      break;
    case 'hidden':
      // Never sooner than the session's own expiry unless the merchant chose an allowance.
      [deadline, rule] = [settings.awayMs === undefined ? base.tokenExpiresAt : now + settings.awayMs, 'away-lapsed'];
      break;
    case 'intent':
      [deadline, rule] = [now + settings.intentGraceMs, 'intent-grace'];
      break;
    default:
      [deadline, rule] = [now + settings.leaseMs, 'lease-lapsed'];
  }
  // An intent only ever brings a deadline closer: a grace ending later than the lease changes nothing.
  if (type === 'intent' && current !== undefined && current.deadline < deadline) return current;
  if (settings.maxAgeMs !== undefined && base.firstSeenAt + settings.maxAgeMs < deadline) {
    return { deadline: base.firstSeenAt + settings.maxAgeMs, rule: 'max-age' };
  }
  return { deadline, rule };
}

function closed(base: EntryBase, now: number, settings: LedgerSettings, closedBy: 'cancel' | 'ended', status?: SessionStatus): LedgerEntry {
  const { sessionId, tokenExpiresAt, firstSeenAt, signalAt } = base;
  return {
    sessionId,
    tokenExpiresAt,
    firstSeenAt,
    signalAt,
    state: 'closed',
    deadline: now + settings.closedMemoryMs,
    closedBy,
    ...(status ? { status } : {}),
  };
}

/** Rules a live page can overturn: the shopper turning out to be there is never cancelled. */
const PAGE_CAN_REVIVE: ReadonlySet<LeaseRule> = new Set(['never-alive', 'lease-lapsed', 'away-lapsed', 'intent-grace']);
const isRevivable = (rule: LeaseRule): boolean => PAGE_CAN_REVIVE.has(rule);

/** The entry as a claim of `claimId` that is sending the cancel, held for a claim's time. */
function cancellingClaim(base: EntryBase, rule: LeaseRule, statusReadAt: number, claimId: string, now: number, settings: LedgerSettings): LedgerEntry {
  const { sessionId, tokenExpiresAt, firstSeenAt, signalAt } = base;
  return { sessionId, tokenExpiresAt, firstSeenAt, signalAt, rule, statusReadAt, state: 'claimed', claimId, deadline: now + settings.claimMs, cancelling: true };
}

/**
 * What `event` does to the entry of `sessionId` (lower-cased), which is `entry` (undefined:
 * none, or forgotten). `now` is the relay's clock.
 */
export function stepLedger(sessionId: string, entry: LedgerEntry | undefined, event: LedgerEvent, now: number, settings: LedgerSettings): LedgerStep {
  // A forgotten entry reads as none.
  if (entry?.state === 'closed' && entry.deadline <= now) entry = undefined;
  switch (event.type) {
    case 'register':
    case 'alive':
    case 'hidden':
    case 'intent':
    case 'revoke': {
      if (entry?.state === 'closed') return keep(entry, 'closed');
      if (entry?.state === 'claimed' && (entry.cancelling || !(isRevivable(entry.rule) && event.type !== 'intent' && event.type !== 'register'))) {
        return keep(entry, 'closed');
      }
      if (event.type === 'register' && entry) return keep(entry, 'tracked');
      // A revoke only undoes an intent; after a hidden, say, it leaves the away allowance alone.
      if (event.type === 'revoke' && entry?.state === 'live' && entry.rule !== 'intent-grace') return keep(entry, 'tracked');
      const base: EntryBase = {
        sessionId,
        tokenExpiresAt: Math.max(entry?.tokenExpiresAt ?? 0, event.tokenExpiresAt),
        firstSeenAt: entry?.firstSeenAt ?? now,
        signalAt: event.type === 'register' ? (entry?.signalAt ?? now) : now,
      };
      const current = entry?.state === 'live' ? entry : undefined;
      const { deadline, rule } = pageDeadline(event.type, current, base, now, settings);
      return store({ ...base, state: 'live', deadline, rule, statusReadAt: entry?.statusReadAt ?? 0 }, 'tracked');
    }
    case 'confirm': {
      if (entry?.state === 'closed') return keep(entry, 'closed');
      // Someone is sending this cancel now; a claim that lapsed is taken over (its holder died).
      if (entry?.state === 'claimed' && entry.cancelling && entry.deadline > now) return keep(entry, 'cancelling');
      // A confirm wins over anything pending, a sweeper's claim included: the shopper left.
      const base: EntryBase = entry ?? { sessionId, tokenExpiresAt: event.tokenExpiresAt, firstSeenAt: now, signalAt: now };
      const tokenExpiresAt = Math.max(base.tokenExpiresAt, event.tokenExpiresAt);
      return store(cancellingClaim({ ...base, tokenExpiresAt, signalAt: now }, 'confirm', entry?.statusReadAt ?? 0, event.claimId, now, settings), 'act');
    }
    case 'ended': {
      if (entry?.state === 'closed') return keep(entry, 'closed');
      const base: EntryBase = entry ?? { sessionId, tokenExpiresAt: now, firstSeenAt: now, signalAt: now };
      return store(closed(base, now, settings, 'ended', event.status), 'ended');
    }
    case 'status-read':
      if (entry?.state !== 'live') return keep(entry, entry ? 'closed' : 'unknown');
      return store({ ...entry, statusReadAt: now }, 'tracked');
    case 'claim': {
      if (!entry) return keep(entry, 'unknown');
      if (entry.state === 'closed') return keep(entry, 'closed');
      // A lapsed claim is taken over: the sweeper that held it stopped (crash, deploy).
      if (entry.deadline > now) return keep(entry, entry.state === 'live' ? 'not-due' : 'lost-claim');
      // Past the token's expiry the session is expiring at the provider: no cancel, no doubt.
      if (entry.tokenExpiresAt <= now) return store(undefined, 'expired');
      if (entry.state === 'claimed' && entry.cancelling) return store(cancellingClaim(entry, entry.rule, entry.statusReadAt, event.claimId, now, settings), 'claimed');
      const { sessionId: id, tokenExpiresAt, firstSeenAt, signalAt, rule } = entry;
      const statusReadAt = entry.statusReadAt;
      return store({ sessionId: id, tokenExpiresAt, firstSeenAt, signalAt, rule, statusReadAt, state: 'claimed', claimId: event.claimId, deadline: now + settings.claimMs }, 'claimed');
    }
    case 'renew':
      if (entry?.state !== 'claimed' || entry.claimId !== event.claimId) return keep(entry, 'lost-claim');
      return store({ ...entry, deadline: now + settings.claimMs }, 'claimed');
    case 'act':
      if (entry?.state !== 'claimed' || entry.claimId !== event.claimId || entry.cancelling) return keep(entry, 'lost-claim');
      return store(cancellingClaim(entry, entry.rule, entry.statusReadAt, event.claimId, now, settings), 'act');
    case 'release': {
      if (entry?.state !== 'claimed' || entry.claimId !== event.claimId) return keep(entry, 'lost-claim');
      // A cancel under way stays a claim, lapsing after retryInMs (0: at once) for another sweeper.
      if (entry.cancelling) return store({ ...entry, deadline: now + event.retryInMs }, 'claimed');
      const { claimId: _claimId, cancelling: _cancelling, ...rest } = entry;
      // Only a lapse is ever released (a confirm's claim is always cancelling).
      const rule: LapseRule = rest.rule === 'confirm' ? 'lease-lapsed' : rest.rule;
      return store({ ...rest, rule, state: 'live', deadline: now + event.retryInMs }, 'tracked');
    }
    case 'settle': {
      if (entry?.state !== 'claimed' || entry.claimId !== event.claimId) return keep(entry, 'lost-claim');
      // Failed for good (the retry window ran out): forgotten, so a later signal or confirm tries again.
      if (event.failed) return store(undefined, 'closed');
      return store(event.ended ? closed(entry, now, settings, 'ended', event.ended) : closed(entry, now, settings, 'cancel'), 'closed');
    }
  }
}

/** Until when a store keeps an entry: a live one until a while after its token expired. */
export function keepUntil(entry: LedgerEntry, settings: LedgerSettings): number {
  if (entry.state === 'closed') return entry.deadline;
  return Math.max(entry.deadline, entry.tokenExpiresAt) + settings.closedMemoryMs;
}

/** The time an entry is due to the sweeper, or undefined for a closed entry (never). */
export function dueAt(entry: LedgerEntry): number | undefined {
  return entry.state === 'closed' ? undefined : entry.deadline;
}
