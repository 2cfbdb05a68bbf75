import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { authorize, bearer, expectProblem, initiateBody, postJson, start, type Product } from './support.js';

describe('POST /api/v2/sessions (initiate)', () => {
  let sandbox: RunningSandbox;
  let base: string;
  before(async () => {
    sandbox = await start();
    base = sandbox.url;
  });
  after(() => sandbox.close());

  async function initiate(body: unknown): Promise<Response> {
    return postJson(`${base}/api/v2/sessions`, body, bearer(await authorize(base)));
  }

  for (const product of ['EFT', 'GEFT', 'e-Transfer'] as const satisfies readonly Product[]) {
    test(`${product}: 201 {sessionId, referenceId}, and details echo the request`, async () => {
      const body = initiateBody(product);
      const token = await authorize(base);
      const response = await postJson(`${base}/api/v2/sessions`, body, bearer(token));
      assert.equal(response.status, 201);
      const created = (await response.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(created).sort(), ['referenceId', 'sessionId']);
      assert.match(created.sessionId as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(created.referenceId, body.referenceId);
      const details = (await (await fetch(`${base}/api/v2/sessions/${created.sessionId}/details`, { headers: bearer(token) })).json()) as Record<string, unknown>;
      assert.equal(details.type, body.type);
      assert.equal(details.direction, 'DEBIT');
      assert.equal(details.amount, 125.5);
      assert.equal(details.status, 'Initiated');
      assert.equal(details.statusDetails, 'EFT0101');
      assert.deepEqual(details.payor, body.payor);
      assert.equal((details.options as { guarantee: { enable: boolean } }).guarantee.enable, product === 'GEFT');
    });
  }

  test('e-Transfer accepts CREDIT; EFT does not', async () => {
    assert.equal((await initiate(initiateBody('e-Transfer', { direction: 'CREDIT' }))).status, 201);
    const problem = await expectProblem(await initiate(initiateBody('EFT', { direction: 'CREDIT' })), 400);
    assert.match(problem.detail, /^direction/);
  });

  test('minimal body: amount, currency, options and payee are optional', async () => {
    const response = await initiate({ type: 'EFT', direction: 'DEBIT', referenceId: 'r-1', payor: { firstName: 'A', lastName: 'B' } });
    assert.equal(response.status, 201);
  });

  const invalid: Array<[string, (body: Record<string, unknown>) => unknown, string]> = [
    ['type missing', ({ type: _, ...rest }) => rest, 'type'],
    ['type unknown', (b) => ({ ...b, type: 'ACH' }), 'type'],
    ['direction missing', ({ direction: _, ...rest }) => rest, 'direction'],
    ['referenceId missing', ({ referenceId: _, ...rest }) => rest, 'referenceId'],
    ['referenceId empty', (b) => ({ ...b, referenceId: '  ' }), 'referenceId'],
    ['referenceId over 100 chars', (b) => ({ ...b, referenceId: 'x'.repeat(101) }), 'referenceId'],
    ['referenceId a number', (b) => ({ ...b, referenceId: 42 }), 'referenceId'],
    ['currency USD', (b) => ({ ...b, currency: 'USD' }), 'currency'],
    ['amount zero', (b) => ({ ...b, amount: 0 }), 'amount'],
    ['amount too large', (b) => ({ ...b, amount: 100_000 }), 'amount'],
    ['amount with three decimals', (b) => ({ ...b, amount: 10.005 }), 'amount'],
    ['amount as a string', (b) => ({ ...b, amount: '10.00' }), 'amount'],
    ['guarantee.enable not boolean', (b) => ({ ...b, options: { guarantee: { enable: 'yes' } } }), 'options.guarantee.enable'],
    ['language DE', (b) => ({ ...b, options: { notificationPreferences: { language: 'DE' } } }), 'options.notificationPreferences.language'],
    ['redirect mode unknown', (b) => ({ ...b, options: { redirectPreferences: { mode: 'Popup' } } }), 'options.redirectPreferences.mode'],
    ['payor missing', ({ payor: _, ...rest }) => rest, 'payor'],
    ['payor.firstName missing', (b) => ({ ...b, payor: { lastName: 'B' } }), 'payor.firstName'],
    ['payor.lastName missing', (b) => ({ ...b, payor: { firstName: 'A' } }), 'payor.lastName'],
    ['payor.email invalid', (b) => ({ ...b, payor: { firstName: 'A', lastName: 'B', email: 'nope' } }), 'payor.email'],
    ['payor.phone invalid', (b) => ({ ...b, payor: { firstName: 'A', lastName: 'B', phone: 'call me' } }), 'payor.phone'],
    ['institutionCode 2 digits', (b) => ({ ...b, payee: { account: { institutionCode: '01', transitNumber: '12345', accountNumber: '1234567' } } }), 'payee.account.institutionCode'],
    ['transitNumber letters', (b) => ({ ...b, payee: { account: { institutionCode: '001', transitNumber: '12a45', accountNumber: '1234567' } } }), 'payee.account.transitNumber'],
    ['accountNumber 6 digits', (b) => ({ ...b, payee: { account: { institutionCode: '001', transitNumber: '12345', accountNumber: '123456' } } }), 'payee.account.accountNumber'],
    ['accountNumber 13 digits', (b) => ({ ...b, payee: { account: { institutionCode: '001', transitNumber: '12345', accountNumber: '1234567890123' } } }), 'payee.account.accountNumber'],
    ['unknown top-level field', (b) => ({ ...b, callbackUrl: 'https://x' }), 'callbackUrl'],
    ['unknown nested field', (b) => ({ ...b, payor: { firstName: 'A', lastName: 'B', middleName: 'C' } }), 'payor.middleName'],
    ['unknown options field', (b) => ({ ...b, options: { theme: 'dark' } }), 'options.theme'],
    ['options an array', (b) => ({ ...b, options: [] }), 'options'],
  ];

  for (const [name, mutate, field] of invalid) {
    test(`400 naming the field: ${name}`, async () => {
      const problem = await expectProblem(await initiate(mutate(initiateBody('EFT'))), 400);
      assert.ok(problem.detail.startsWith(`${field}:`), `detail "${problem.detail}" should name ${field}`);
      assert.ok(problem.errors?.[field], `errors should have ${field}: ${JSON.stringify(problem.errors)}`);
      assert.equal(problem.instance, '/api/v2/sessions');
    });
  }

  test('guarantee is refused on e-Transfer', async () => {
    const body = initiateBody('e-Transfer', { options: { guarantee: { enable: true } } });
    const problem = await expectProblem(await initiate(body), 400);
    assert.ok(problem.errors?.['options.guarantee.enable']);
  });

  test('several bad fields are all listed in errors', async () => {
    const problem = await expectProblem(await initiate({ type: 'EFT', direction: 'UP', referenceId: '', payor: {} }), 400);
    assert.deepEqual(Object.keys(problem.errors ?? {}).sort(), ['direction', 'payor.firstName', 'payor.lastName', 'referenceId']);
  });

  test('a body that is not an object is 400', async () => {
    for (const body of [null, [], 'EFT', 42]) await expectProblem(await initiate(body), 400);
  });
});
