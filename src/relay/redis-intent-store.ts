/**
 * Pending intents in Redis, shared by every relay instance that points at it: an intent held
 * by one instance is revoked or confirmed by whichever instance the next request reaches, and
 * the claim of an intent whose grace ended succeeds for exactly one of them. Each operation is
 * one Lua script, so it is atomic; the scripts apply the rules of intent-machine.ts (the same
 * contract tests run against this store and the memory one).
 *
 * Layout, under a key prefix with a hash tag so every key shares one Redis Cluster slot:
 *   {prefix}s:{session id}   the session's record: `p:` + the pending intent as JSON, or
 *                            `a:` + when it was acted on; expires on its own (PX)
 *   {prefix}due              sorted set of sessions with a pending intent, scored by deadline
 * Nothing stored is a secret: no token, only its expiry.
 *
 * Node-only (the client), and never imported by the relay's main entry.
 */

import { createHash } from 'node:crypto';
import { ACTED_MEMORY_MS, pendingKeepUntil, type IntentSignal, type IntentVerdict, type PendingIntent } from './intent-machine.js';
import { storeErrorMessage } from './intent-service.js';
import type { IntentResult, IntentStore } from './intent-store.js';

/** What the store needs of a Redis client: node-redis's `sendCommand` (v4 to v6). */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

export interface RedisIntentStoreOptions {
  /**
   * A connected node-redis client, or anything with its `sendCommand(args)` (an ioredis
   * instance: `{sendCommand: ([name, ...args]) => ioredis.call(name, ...args)}`). The store
   * never closes a client it was given.
   */
  readonly client?: RedisCommandClient;
  /** Or a Redis URL (`redis://…`, `rediss://…`): the store connects its own node-redis client and closes it in `close()`. */
  readonly url?: string;
  /** Prefix of every key. Default `bank-pay:{intents}:` (the braces keep one Cluster slot). */
  readonly keyPrefix?: string;
  /** Most intents pending at once across all instances; past it new intents are refused. Default 100 000. */
  readonly maxPending?: number;
}

/** Redis cannot be used: node-redis is missing, or the first connection failed. Never carries a password. */
export class RedisIntentStoreError extends Error {
  override readonly name = 'RedisIntentStoreError';
}

export const DEFAULT_KEY_PREFIX = 'bank-pay:{intents}:';
export const DEFAULT_MAX_PENDING = 100_000;

/** Every script answers `{verdict, intent JSON?}`; KEYS[1] the record, KEYS[2] the due set, ARGV[1] the member. */
const SCRIPTS = {
  // ARGV: member, record, deadline, ttl ms, max pending
  intent: `
local current = redis.call('GET', KEYS[1])
if current then
  if string.sub(current, 1, 2) == 'a:' then return {'already-acted'} end
  return {'already-pending', string.sub(current, 3)}
end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return {'full'} end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return {'held'}`,
  // ARGV: member
  revoke: `
local current = redis.call('GET', KEYS[1])
if not current then return {'nothing-pending'} end
if string.sub(current, 1, 2) == 'a:' then return {'already-acted'} end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return {'revoked', string.sub(current, 3)}`,
  // ARGV: member, now, acted ttl ms
  confirm: `
redis.call('SET', KEYS[1], 'a:' .. ARGV[2], 'PX', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
return {'act'}`,
  // ARGV: member, now, acted ttl ms. The claim: only one caller ever gets 'act' for an intent.
  'grace-ended': `
local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return {'nothing-pending'}
end
if string.sub(current, 1, 2) == 'a:' then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return {'already-acted'}
end
local intent = string.sub(current, 3)
if tonumber(cjson.decode(intent).deadline) > tonumber(ARGV[2]) then return {'not-due', intent} end
redis.call('SET', KEYS[1], 'a:' .. ARGV[2], 'PX', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
return {'act', intent}`,
} as const satisfies Record<IntentSignal['type'], string>;

const VERDICTS: ReadonlySet<string> = new Set<IntentResult['verdict']>([
  'held',
  'already-pending',
  'already-acted',
  'revoked',
  'nothing-pending',
  'not-due',
  'act',
  'full',
]);

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

function isPendingIntent(value: unknown): value is PendingIntent {
  const record = value as Partial<PendingIntent> | null;
  return (
    typeof record === 'object' &&
    record !== null &&
    typeof record.sessionId === 'string' &&
    typeof record.reason === 'string' &&
    typeof record.deadline === 'number' &&
    typeof record.receivedAt === 'number' &&
    typeof record.tokenExpiresAt === 'number'
  );
}

function parseReply(reply: unknown): IntentResult {
  const [verdict, json] = Array.isArray(reply) ? reply.map((item) => String(item)) : [];
  if (verdict === undefined || !VERDICTS.has(verdict)) throw new Error('unexpected reply from the Redis intent script');
  if (json === undefined) return { verdict: verdict as IntentVerdict };
  const intent: unknown = JSON.parse(json);
  if (!isPendingIntent(intent)) throw new Error('a malformed intent record in Redis');
  return { verdict: verdict as IntentVerdict, intent };
}

class RedisIntentStore implements IntentStore {
  readonly shared = true;
  readonly #client: RedisCommandClient;
  readonly #prefix: string;
  readonly #maxPending: number;
  readonly #close: () => Promise<void>;

  constructor(client: RedisCommandClient, prefix: string, maxPending: number, close: () => Promise<void>) {
    this.#client = client;
    this.#prefix = prefix;
    this.#maxPending = maxPending;
    this.#close = close;
  }

  async apply(sessionId: string, signal: IntentSignal, now: number): Promise<IntentResult> {
    const member = sessionId.toLowerCase();
    const keys = [`${this.#prefix}s:${member}`, `${this.#prefix}due`];
    // Expiries are relative (PX), so the records expire on Redis's own clock.
    const actedTtl = String(ACTED_MEMORY_MS);
    switch (signal.type) {
      case 'intent': {
        const { intent } = signal;
        const ttl = String(Math.max(1, Math.ceil(pendingKeepUntil(intent) - now)));
        const reply = await this.#run('intent', keys, [member, `p:${JSON.stringify(intent)}`, String(intent.deadline), ttl, String(this.#maxPending)]);
        // Held: the intent is the one just written.
        return reply.verdict === 'held' ? { verdict: 'held', intent } : reply;
      }
      case 'revoke':
        return this.#run('revoke', keys, [member]);
      case 'confirm':
      case 'grace-ended':
        return this.#run(signal.type, keys, [member, String(now), actedTtl]);
    }
  }

  async due(now: number, limit: number): Promise<string[]> {
    const reply = await this.#client.sendCommand(['ZRANGEBYSCORE', `${this.#prefix}due`, '-inf', String(now), 'LIMIT', '0', String(limit)]);
    return Array.isArray(reply) ? reply.map((member) => String(member)) : [];
  }

  close(): Promise<void> {
    return this.#close();
  }

  /** EVALSHA, loading the script with EVAL the first time a server does not know it. */
  async #run(name: keyof typeof SCRIPTS, keys: string[], args: string[]): Promise<IntentResult> {
    const script = SCRIPTS[name];
    const tail = [String(keys.length), ...keys, ...args];
    let reply: unknown;
    try {
      reply = await this.#client.sendCommand(['EVALSHA', sha1(script), ...tail]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      reply = await this.#client.sendCommand(['EVAL', script, ...tail]);
    }
    return parseReply(reply);
  }
}

/** The smallest part of node-redis's client this module uses when it makes its own. */
interface OwnedClient extends RedisCommandClient {
  connect(): Promise<unknown>;
  close?(): Promise<unknown>;
  quit?(): Promise<unknown>;
  destroy?(): unknown;
  on(event: 'error' | 'ready', listener: (error?: unknown) => void): unknown;
}

async function connectOwnClient(url: string): Promise<OwnedClient> {
  let redis: { createClient(options: object): unknown };
  try {
    redis = (await import('redis')) as unknown as typeof redis;
  } catch {
    throw new RedisIntentStoreError('createRedisIntentStore({url}) needs the "redis" package (node-redis): npm install redis');
  }
  let everReady = false;
  const client = redis.createClient({
    url,
    // A request waits at most the relay's storeTimeoutMs; queueing commands while Redis is
    // away would only make them late.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 5000,
      // A lost connection is retried in the background for as long as it takes; a first
      // connection that fails is an error now (a wrong URL should stop the relay's start).
      reconnectStrategy: (retries: number, cause: Error) => (everReady ? Math.min(100 * 2 ** retries, 5000) : cause),
    },
  }) as OwnedClient;
  client.on('ready', () => (everReady = true));
  // node-redis emits every connection error; without a listener Node would crash. Each failed
  // call reaches the relay's log through the store's rejection instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    client.destroy?.();
    // The URL may carry a password: the message is cleaned of credentials.
    throw new RedisIntentStoreError(`could not connect to Redis for the intent store: ${storeErrorMessage(error)}`);
  }
  return client;
}

/**
 * A Redis store for pending intents, for a relay running as several instances (or one that
 * must resume pending intents after a restart). Give it a connected client or a URL.
 */
export async function createRedisIntentStore(options: RedisIntentStoreOptions): Promise<IntentStore> {
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
  if (!Number.isInteger(maxPending) || maxPending < 1) throw new RangeError('maxPending must be a positive integer');
  if (typeof keyPrefix !== 'string' || keyPrefix === '') throw new RangeError('keyPrefix must be a non-empty string');
  if (options.client && options.url) throw new TypeError('give createRedisIntentStore a client or a url, not both');
  if (options.client) {
    if (typeof options.client.sendCommand !== 'function') throw new TypeError('client must have a sendCommand(args) method (node-redis)');
    return new RedisIntentStore(options.client, keyPrefix, maxPending, async () => undefined);
  }
  if (!options.url) throw new TypeError('createRedisIntentStore needs a client or a url');
  const client = await connectOwnClient(options.url);
  return new RedisIntentStore(client, keyPrefix, maxPending, async () => {
    // node-redis 5+ has close(); 4 has quit().
    await (client.close ? client.close() : client.quit?.());
  });
}
