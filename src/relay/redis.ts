/**
 * `bank-pay-session/relay/redis`: the lease ledger in Redis, for a relay run as several
 * instances. Node-only (it uses node-redis, an optional peer dependency); the relay itself
 * (`bank-pay-session/relay`) never imports it.
 *
 *   const store = await createRedisLedgerStore({ url: process.env.REDIS_URL });
 *   const relay = createRelay({ ...options, leases: { store } });
 */

export {
  createRedisLedgerStore,
  DEFAULT_KEY_PREFIX,
  RedisLedgerStoreError,
  type RedisCommandClient,
  type RedisLedgerStoreOptions,
} from './ledger/redis-store.js';
export type { LedgerStore } from './ledger/store.js';
