/**
 * `bank-pay-session/relay/redis`: the Redis store for pending cancel intents, for a relay run
 * as several instances. Node-only (it uses node-redis, an optional peer dependency); the relay
 * itself (`bank-pay-session/relay`) never imports it.
 *
 *   const intents = { store: await createRedisIntentStore({ url: process.env.REDIS_URL }) };
 *   const relay = createRelay({ ...options, intents });
 */

export {
  createRedisIntentStore,
  DEFAULT_KEY_PREFIX,
  DEFAULT_MAX_PENDING,
  RedisIntentStoreError,
  type RedisCommandClient,
  type RedisIntentStoreOptions,
} from './redis-intent-store.js';
export type { IntentStore } from './intent-store.js';
