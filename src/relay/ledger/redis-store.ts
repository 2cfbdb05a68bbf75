/**
 * The lease ledger in Redis, shared by every relay instance that points at it: a heartbeat
 * reaching one instance and a sweep on another see the same entry, and a relay that dies
 * leaves its entries (its claims lapse) for the others to act on. The store knows no rules
 * (rules.ts has them all): one small Lua script makes each write a compare-and-set on the
 * entry's stored text, so every rule runs in JavaScript, once, for both stores.
 *
 * Layout, under a key prefix with a hash tag so every key shares one Redis Cluster slot:
 *   {prefix}s:{session id}   the entry as JSON; expires on its own (PX) on Redis's clock
 *   {prefix}due              sorted set of entries the sweeper must look at, scored by deadline
 * Nothing stored is a secret: no token, only its expiry.
 *
 * Node-only (node-redis, an optional peer dependency); the relay's main entry never imports it.
 */

import { createHash } from 'node:crypto';
import { storeErrorMessage } from './store-error.js';
import type { EntryWrite, LedgerStore, StoredEntry } from './store.js';

/** What the store needs of a Redis client: node-redis's `sendCommand` (v4 to v6). */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

export interface RedisLedgerStoreOptions {
  /**
   * A connected node-redis client, or anything with its `sendCommand(args)` (an ioredis
   * instance: `{sendCommand: ([name, ...args]) => ioredis.call(name, ...args)}`). The store
   * never closes a client it was given.
   */
  readonly client?: RedisCommandClient;
  /** Or a Redis URL (`redis://…`, `rediss://…`): the store connects its own client and closes it in `close()`. */
  readonly url?: string;
  /** Prefix of every key. Default `bank-pay:{leases}:` (the braces keep one Cluster slot). */
  readonly keyPrefix?: string;
}

/** Redis cannot be used: node-redis is missing, or the first connection failed. Never carries a password. */
export class RedisLedgerStoreError extends Error {
  override readonly name = 'RedisLedgerStoreError';
}

export const DEFAULT_KEY_PREFIX = 'bank-pay:{leases}:';

// KEYS: entry, due set. ARGV: expected text ('' = absent), new text ('' = delete), ttl ms, due score ('' = none), member.
const SWAP = `
local current = redis.call('GET', KEYS[1])
if current == false then current = '' end
if current ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[5])
  return 1
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
if ARGV[4] == '' then redis.call('ZREM', KEYS[2], ARGV[5]) else redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5]) end
return 1`;
const SWAP_SHA = createHash('sha1').update(SWAP).digest('hex');

class RedisLedgerStore implements LedgerStore {
  readonly shared = true;
  readonly #client: RedisCommandClient;
  readonly #prefix: string;
  readonly #close: () => Promise<void>;

  constructor(client: RedisCommandClient, prefix: string, close: () => Promise<void>) {
    this.#client = client;
    this.#prefix = prefix;
    this.#close = close;
  }

  async get(sessionId: string): Promise<StoredEntry | undefined> {
    const reply = await this.#client.sendCommand(['GET', this.#key(sessionId)]);
    return typeof reply === 'string' ? { text: reply } : undefined;
  }

  async swap(sessionId: string, expected: StoredEntry | undefined, write: EntryWrite): Promise<boolean> {
    const ttl = String(Math.max(1, Math.ceil(write.keepUntil - Date.now())));
    const tail = ['2', this.#key(sessionId), `${this.#prefix}due`, expected?.text ?? '', write.text ?? '', ttl, write.dueAt === undefined ? '' : String(write.dueAt), sessionId];
    let reply: unknown;
    try {
      reply = await this.#client.sendCommand(['EVALSHA', SWAP_SHA, ...tail]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      reply = await this.#client.sendCommand(['EVAL', SWAP, ...tail]);
    }
    return Number(reply) === 1;
  }

  async due(now: number, limit: number): Promise<string[]> {
    const reply = await this.#client.sendCommand(['ZRANGEBYSCORE', `${this.#prefix}due`, '-inf', String(now), 'LIMIT', '0', String(limit)]);
    return Array.isArray(reply) ? reply.map((member) => String(member)) : [];
  }

  async size(): Promise<number> {
    return Number(await this.#client.sendCommand(['ZCARD', `${this.#prefix}due`]));
  }

  close(): Promise<void> {
    return this.#close();
  }

  #key(sessionId: string): string {
    return `${this.#prefix}s:${sessionId}`;
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
    throw new RedisLedgerStoreError('createRedisLedgerStore({url}) needs the "redis" package (node-redis): npm install redis');
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
    throw new RedisLedgerStoreError(`could not connect to Redis for the lease ledger: ${storeErrorMessage(error)}`);
  }
  return client;
}

/**
 * The lease ledger in Redis, for a relay running as several instances (or one that must find
 * its live sessions again after a restart). Give it a connected client or a URL.
 */
export async function createRedisLedgerStore(options: RedisLedgerStoreOptions): Promise<LedgerStore> {
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  if (typeof keyPrefix !== 'string' || keyPrefix === '') throw new RangeError('keyPrefix must be a non-empty string');
  if (options.client && options.url) throw new TypeError('give createRedisLedgerStore a client or a url, not both');
  if (options.client) {
    if (typeof options.client.sendCommand !== 'function') throw new TypeError('client must have a sendCommand(args) method (node-redis)');
    return new RedisLedgerStore(options.client, keyPrefix, async () => undefined);
  }
  if (!options.url) throw new TypeError('createRedisLedgerStore needs a client or a url');
  const client = await connectOwnClient(options.url);
  return new RedisLedgerStore(client, keyPrefix, async () => {
    // node-redis 5+ has close(); 4 has quit().
    await (client.close ? client.close() : client.quit?.());
  });
}
