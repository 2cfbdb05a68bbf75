/** `bank-pay-session sandbox`: starts the sandbox, prints where it is, stops on SIGINT/SIGTERM. */

import { parseSandboxArgs, sandboxUsage } from './cli-args.js';
import { DEFAULT_CLIENT, DEFAULT_WEBHOOK_SECRET } from './options.js';
import { startSandbox, type RunningSandbox } from './server.js';

/** What the sandbox prints on start. Secrets are shown only when they are the public demo defaults. */
function startBanner(running: RunningSandbox): string {
  const { config } = running.sandbox;
  const client = config.clients[0]!;
  const secret = client.clientSecret === DEFAULT_CLIENT.clientSecret ? client.clientSecret : '(set by you, not shown)';
  const webhook = config.webhookUrl
    ? `${config.webhookUrl} (secret: ${config.webhookSecret === DEFAULT_WEBHOOK_SECRET ? config.webhookSecret : 'set by you, not shown'})`
    : 'none (use --webhook-url)';
  return [
    `Flinks Pay v2 sandbox listening on ${running.url}`,
    '',
    `  provider API    ${running.url}/api/v1/authorize, ${running.url}/api/v2/sessions`,
    `  hosted flow     ${running.url}/app/?sessionId=<sessionId>`,
    `  test controls   ${running.url}/sandbox/sessions/<sessionId>, ${running.url}/sandbox/faults`,
    '',
    `  client id       ${client.clientId}`,
    `  client secret   ${secret}`,
    `  allowed origins ${config.allowedOrigins.join(', ')}`,
    `  session timeout ${Math.round(config.sessionTimeoutMs / 1000)} s`,
    `  webhooks        ${webhook}`,
    '',
    'Press Ctrl+C to stop.',
  ].join('\n');
}

export async function runSandboxCli(args: string[]): Promise<void> {
  const command = parseSandboxArgs(args, process.env);
  if (command.kind === 'help') {
    console.log(sandboxUsage());
    return;
  }
  if (command.kind === 'error') {
    console.error(`bank-pay-session sandbox: ${command.message}\n\n${sandboxUsage()}`);
    process.exitCode = 2;
    return;
  }
  let running: RunningSandbox;
  try {
    running = await startSandbox(command.options);
  } catch (error) {
    console.error(`bank-pay-session sandbox: ${error instanceof Error ? error.message : 'could not start'}`);
    process.exitCode = 1;
    return;
  }
  console.log(startBanner(running));
  const stop = () => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
