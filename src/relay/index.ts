/**
 * The merchant relay and the merchant-backend helpers. Web-standard code only (Web Crypto,
 * fetch, AbortSignal): it runs on Node, Deno, Bun, Cloudflare Workers and any fetch runtime.
 * Importing this module has no side effects. Node serving lives in ./node.ts, the Redis intent
 * store in ./redis.ts.
 */

export { createRelay, type RelayApp } from './app.js';
export { DEFAULTS as RELAY_DEFAULTS, RelayConfigError, type IntentOptions, type RelayOptions } from './options.js';
export { createMemoryIntentStore, type IntentResult, type IntentStore, type MemoryIntentStoreOptions } from './intent-store.js';
export { stepIntent, type IntentRecord, type IntentSignal, type IntentStep, type IntentVerdict, type PendingIntent } from './intent-machine.js';
export { relayOptionsFromEnv, RELAY_ENV } from './env.js';
export { mintCancelToken, verifyCancelToken, type CancelTokenClaims, type CancelTokenVerification } from './cancel-token.js';
export { MIN_TOKEN_KEY_BYTES, tokenKeyWeakness } from './key-strength.js';
export { createSession, type CreateSessionOptions, type CreatedSession } from './session.js';
export type { InitiateSessionRequest } from '../protocol/initiate-request.js';
export type { ProviderCredentials } from './provider-client.js';
export { ProviderError } from './provider-error.js';
export type { StatusChangeEvent, StatusChangeHandler } from './webhook-receiver.js';
export type { DrainReport } from './cancel-service.js';
export type { CancelAuditRecord } from './audit.js';
export type { RateLimit } from './rate-limiter.js';
export type { BackoffPolicy } from './backoff.js';
