// The hosted page's framing and opener policy: by default the allowed origins may frame it and
// no Cross-Origin-Opener-Policy is sent; `framing: 'deny'` refuses every frame, as providers that
// only run in a window of their own do, and `coop` cuts the link to a window the checkout opened.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SandboxOptionError, type RunningSandbox, type StartSandboxOptions } from '../../src/sandbox/index.js';
import { parseSandboxArgs } from '../../src/sandbox/cli-args.js';
import { resolveSandboxConfig } from '../../src/sandbox/options.js';
import { createSession, start } from './support.js';

function frameAncestors(response: Response): string | undefined {
  const csp = response.headers.get('content-security-policy') ?? '';
  return /frame-ancestors ([^;]+)/.exec(csp)?.[1];
}

function withSandbox(options: StartSandboxOptions, body: (page: () => Promise<Response>) => void): void {
  let sandbox: RunningSandbox;
  before(async () => {
    sandbox = await start({ allowedOrigins: ['http://localhost:5173'], ...options });
  });
  after(() => sandbox.close());
  body(async () => fetch(`${sandbox.url}/app/?sessionId=${(await createSession(sandbox.url)).sessionId}`));
}

describe('the hosted page by default', () => {
  withSandbox({}, (page) => {
    test('may be framed by the allowed origins, and sends no opener policy', async () => {
      const response = await page();
      assert.equal(response.status, 200);
      assert.equal(frameAncestors(response), 'http://localhost:5173');
      assert.equal(response.headers.get('cross-origin-opener-policy'), null);
    });
  });
});

describe('the hosted page with framing denied and COOP', () => {
  withSandbox({ framing: 'deny', coop: 'same-origin' }, (page) => {
    test("refuses every frame (frame-ancestors 'none'), the allowed origins' too, and sends COOP", async () => {
      const response = await page();
      assert.equal(response.status, 200);
      assert.equal(frameAncestors(response), "'none'");
      assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin');
    });

    test('still posts its steps to the allowed origins, each as an exact target origin', async () => {
      const html = await (await page()).text();
      const config = JSON.parse(/<script type="application\/json" id="bps-config">(.*?)<\/script>/s.exec(html)![1]!) as { origins: string[] };
      assert.deepEqual(config.origins, ['http://localhost:5173']);
      assert.match(html, /window\.parent !== window \? window\.parent : window\.opener/, 'a window posts to its opener');
    });
  });
});

describe('framing and COOP options', () => {
  test('default to allow and none; refuse values they do not know', () => {
    const config = resolveSandboxConfig();
    assert.equal(config.framing, 'allow');
    assert.equal(config.coop, undefined);
    assert.equal(resolveSandboxConfig({ coop: 'same-origin-allow-popups' }).coop, 'same-origin-allow-popups');
    for (const options of [{ framing: 'sometimes' }, { coop: 'unsafe-none' }] as unknown as StartSandboxOptions[]) {
      assert.throws(() => resolveSandboxConfig(options), SandboxOptionError, JSON.stringify(options));
    }
  });

  test('come from --framing / --coop or BPS_SANDBOX_FRAMING / BPS_SANDBOX_COOP, flags first', () => {
    assert.deepEqual(parseSandboxArgs(['--framing', 'deny', '--coop=same-origin'], {}), { kind: 'run', options: { framing: 'deny', coop: 'same-origin' } });
    assert.deepEqual(parseSandboxArgs([], { BPS_SANDBOX_FRAMING: 'deny', BPS_SANDBOX_COOP: 'same-origin' }), {
      kind: 'run',
      options: { framing: 'deny', coop: 'same-origin' },
    });
    assert.deepEqual(parseSandboxArgs(['--framing=allow'], { BPS_SANDBOX_FRAMING: 'deny' }), { kind: 'run', options: { framing: 'allow' } });
    for (const args of [['--framing', 'sometimes'], ['--coop', 'unsafe-none']]) {
      const command = parseSandboxArgs(args, {});
      assert.equal(command.kind, 'error', args.join(' '));
      assert.match(command.kind === 'error' ? command.message : '', new RegExp(args[0]!));
    }
  });
});
