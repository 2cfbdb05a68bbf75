/**
 * `createSandbox`: the whole sandbox as one Hono app (a Web-standard fetch handler) plus
 * the timer that expires sessions and drops old ones. No I/O until a request arrives.
 */

import { Hono } from 'hono';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { resolveSandboxConfig, type SandboxConfig, type SandboxOptions } from './options.js';
import { methodNotAllowedProblem, problemResponse } from './problem.js';
import { mountControls } from './routes/controls.js';
import { mountHostedFlow } from './routes/hosted-flow.js';
import { mountProviderApi } from './routes/provider-api.js';
import { createSandboxState, type SandboxEnv, type SandboxState } from './state.js';

export interface Sandbox {
  /** The Hono app; `app.fetch` is the Web-standard handler. */
  readonly app: Hono<SandboxEnv>;
  /** The resolved options. */
  readonly config: SandboxConfig;
  /** In-memory state, for embedding and tests. */
  readonly state: SandboxState;
  /** Resolves when every webhook delivery started so far has finished. */
  webhooksIdle(): Promise<void>;
  /** Stops the expiry timer. Idempotent. */
  close(): void;
}

export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const config = resolveSandboxConfig(options);
  const state = createSandboxState(config);
  const app = new Hono<SandboxEnv>();

  // A known path asked with another method: Hono finds the methods the routes register.
  app.use(methodNotAllowed({ app, onMethodNotAllowed: (c, methods) => methodNotAllowedProblem(methods, c.req.path) }));
  mountProviderApi(app, state);
  mountHostedFlow(app, state);
  mountControls(app, state);

  app.notFound((c) => problemResponse(404, 'nothing is served at this path', { instance: c.req.path }));
  // A bug must not leak internals: the answer is generic, the error goes to stderr without request data.
  app.onError((error, c) => {
    console.error(`sandbox: unexpected error on ${c.req.method} ${c.req.path}: ${error instanceof Error ? error.name : 'error'}`);
    return problemResponse(500, 'the sandbox failed to handle this request', { instance: c.req.path });
  });

  const timer = setInterval(() => {
    state.store.sweep();
    state.tokens.prune();
  }, config.expiryCheckIntervalMs);
  // The timer must never keep a process alive on its own.
  timer.unref?.();

  let closed = false;
  return {
    app,
    config,
    state,
    webhooksIdle: () => state.webhooks.idle(),
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
    },
  };
}
