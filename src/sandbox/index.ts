/**
 * The provider sandbox: a faithful local Flinks Pay v2 (docs/provider.md). Importing this module
 * has no side effects; `createSandbox` builds the app, `startSandbox` also listens.
 */

export { createSandbox, type Sandbox } from './app.js';
export { startSandbox, type RunningSandbox, type StartSandboxOptions } from './server.js';
export {
  DEFAULT_ALLOWED_ORIGINS,
  DEFAULT_CLIENT,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_WEBHOOK_SECRET,
  SandboxOptionError,
  type SandboxClient,
  type SandboxConfig,
  type SandboxOptions,
} from './options.js';
export type { Faults } from './faults.js';
export type { HistoryEntry, HistoryType } from './session-store.js';
export type { WebhookDelivery } from './webhooks.js';
