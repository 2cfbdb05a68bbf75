/**
 * The merchant relay and the merchant-backend helpers. Web-standard code only (Web Crypto,
 * fetch, AbortSignal): it runs on Node, Deno, Bun, Cloudflare Workers and any fetch runtime.
 * Importing this module has no side effects. Node serving lives in ./node.ts, the Redis ledger
 * store in ./redis.ts.
 */

export { createRelay, type RelayApp } from './app.js';
export { DEFAULTS as RELAY_DEFAULTS, RelayConfigError, type LeaseOptions, type RelayOptions } from './options.js';
export { createMemoryLedgerStore, type EntryWrite, type LedgerStore, type MemoryLedgerOptions, type StoredEntry } from './ledger/store.js';
export { stepLedger, type LapseRule, type LeaseRule, type LedgerEntry, type LedgerEvent, type LedgerSettings, type LedgerStep, type LedgerVerdict } from './ledger/rules.js';
export { relayOptionsFromEnv, RELAY_ENV } from './env.js';
export { mintCancelToken, verifyCancelToken, type CancelTokenClaims, type CancelTokenVerification } from './cancel-token.js';
export { MIN_TOKEN_KEY_BYTES, tokenKeyWeakness } from './key-strength.js';
export { createSession, type CreateSessionOptions, type CreatedSession } from './session.js';
export type { InitiateSessionRequest } from '../protocol/initiate-request.js';
export type { ProviderCredentials } from './provider/client.js';
export { ProviderError } from './provider/error.js';
export type { StatusChangeEvent, StatusChangeHandler } from './webhook-receiver.js';
export type { DrainReport } from './cancel-service.js';
export type { CancelAuditRecord, LeaseAuditRecord } from './audit.js';
export type { RateLimit } from './http/rate-limiter.js';
export type { BackoffPolicy } from './backoff.js';
