/**
 * In-memory sessions with their history. Expiry is applied lazily on every read and by
 * `sweep()` (run by a timer), so an expired session is never reported as live. Memory is
 * bounded: terminal sessions are dropped `retentionMs` after they ended, history is capped
 * per session, and the number of sessions is capped.
 */

import type { SessionStatus, StatusDetailsCode } from '../protocol/status.js';
import type { InitiateRequest } from './initiate-request.js';
import { checkTransition, createSession, isExpiryDue, isTerminal, type SandboxSession, type TransitionRefusal } from './session.js';

export type HistoryType =
  | 'initiate'
  | 'details'
  | 'status'
  | 'cancel'
  | 'force'
  | 'expire'
  | 'webhook'
  | 'hosted-step'
  | 'hosted-complete';

export interface HistoryEntry {
  /** ISO 8601 time of the event. */
  readonly at: string;
  readonly type: HistoryType;
  /** The HTTP status the sandbox answered (API calls) or received (webhooks). */
  readonly httpStatus?: number;
  /** What came of it, e.g. `cancelled`, `already-terminal`, `injected-fault`, `Expired/EFT0601`. */
  readonly outcome?: string;
}

export interface SessionRecord {
  readonly session: SandboxSession;
  readonly history: HistoryEntry[];
  /** Every POST …/cancel received for this session, whatever its answer. */
  cancelCalls: number;
  /** History entries dropped once the cap was reached (the oldest go first). */
  historyDropped: number;
}

export interface StatusChange {
  readonly session: SandboxSession;
  readonly previous: SessionStatus;
  /** What caused it: the cancel endpoint, the hosted flow, a test control or the expiry timer. */
  readonly cause: HistoryType;
}

export interface SessionStoreLimits {
  readonly sessionTimeoutMs: number;
  readonly retentionMs: number;
  readonly maxSessions: number;
}

export type TransitionResult =
  | { readonly ok: true; readonly session: SandboxSession }
  | { readonly ok: false; readonly reason: TransitionRefusal | 'not-found' };

const MAX_HISTORY = 500;

export class SessionStore {
  readonly #records = new Map<string, SessionRecord>();
  readonly #listeners = new Set<(change: StatusChange) => void>();

  constructor(
    private readonly now: () => number,
    private readonly limits: SessionStoreLimits,
  ) {}

  /** Calls `listener` after every status change (webhooks subscribe here). */
  onStatusChange(listener: (change: StatusChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Creates a session, or returns undefined when the store is full of live sessions. */
  create(request: InitiateRequest, clientId: string): SessionRecord | undefined {
    if (this.#records.size >= this.limits.maxSessions) this.sweep();
    if (this.#records.size >= this.limits.maxSessions && !this.dropOldestTerminal()) return undefined;
    const session = createSession(request, clientId, crypto.randomUUID(), this.now(), this.limits.sessionTimeoutMs);
    const record: SessionRecord = { session, history: [], cancelCalls: 0, historyDropped: 0 };
    this.#records.set(session.sessionId, record);
    this.record(session.sessionId, { type: 'initiate', httpStatus: 201, outcome: 'Initiated/EFT0101' });
    return record;
  }

  /** The session's record, expired first if its time has passed. Ids are matched case-insensitively. */
  get(sessionId: string): SessionRecord | undefined {
    const record = this.#records.get(sessionId.toLowerCase());
    if (record) this.expireIfDue(record);
    return record;
  }

  list(): SessionRecord[] {
    for (const record of this.#records.values()) this.expireIfDue(record);
    return [...this.#records.values()];
  }

  get size(): number {
    return this.#records.size;
  }

  /** Adds a history entry to a known session; unknown ids are ignored. */
  record(sessionId: string, entry: Omit<HistoryEntry, 'at'>): void {
    const record = this.#records.get(sessionId.toLowerCase());
    if (!record) return;
    record.history.push({ at: new Date(this.now()).toISOString(), ...entry });
    if (record.history.length > MAX_HISTORY) {
      record.history.shift();
      record.historyDropped++;
    }
  }

  /** Notes the hosted-flow step a live session reached (shown as `step` in details). */
  setStep(sessionId: string, step: string): void {
    const record = this.get(sessionId);
    if (!record || isTerminal(record.session)) return;
    record.session.step = step;
    record.session.updatedAt = this.now();
  }

  countCancelCall(sessionId: string): void {
    const record = this.#records.get(sessionId.toLowerCase());
    if (record) record.cancelCalls++;
  }

  /** Ends a live session with a terminal status, notifying listeners. */
  transition(sessionId: string, status: SessionStatus, statusDetails: StatusDetailsCode, cause: HistoryType): TransitionResult {
    const record = this.get(sessionId);
    if (!record) return { ok: false, reason: 'not-found' };
    return this.apply(record, status, statusDetails, cause);
  }

  /** Expires due sessions and drops terminal ones past retention. */
  sweep(): void {
    const now = this.now();
    for (const [id, record] of this.#records) {
      this.expireIfDue(record);
      const { endedAt } = record.session;
      if (endedAt !== null && now - endedAt >= this.limits.retentionMs) this.#records.delete(id);
    }
  }

  clear(): void {
    this.#records.clear();
  }

  private apply(record: SessionRecord, status: SessionStatus, statusDetails: StatusDetailsCode, cause: HistoryType): TransitionResult {
    const { session } = record;
    const refusal = checkTransition(session, status, statusDetails);
    if (refusal) return { ok: false, reason: refusal };
    const previous = session.status;
    const now = this.now();
    session.status = status;
    session.statusDetails = statusDetails;
    session.updatedAt = now;
    if (isTerminal(session)) session.endedAt = now;
    if (cause === 'expire') this.record(session.sessionId, { type: 'expire', outcome: `${status}/${statusDetails}` });
    for (const listener of this.#listeners) listener({ session, previous, cause });
    return { ok: true, session };
  }

  private expireIfDue(record: SessionRecord): void {
    if (isExpiryDue(record.session, this.now())) this.apply(record, 'Expired', 'EFT0601', 'expire');
  }

  private dropOldestTerminal(): boolean {
    let oldest: SessionRecord | undefined;
    for (const record of this.#records.values()) {
      const { endedAt } = record.session;
      if (endedAt !== null && (!oldest || endedAt < (oldest.session.endedAt ?? Infinity))) oldest = record;
    }
    if (!oldest) return false;
    this.#records.delete(oldest.session.sessionId);
    return true;
  }
}
