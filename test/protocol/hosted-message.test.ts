import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostedMessage } from '../../src/protocol/hosted-message.js';
import { stepMeaning } from '../../src/protocol/steps.js';

test('object payloads keep their extra fields', () => {
  assert.deepEqual(parseHostedMessage({ step: 'INSTITUTION_SELECTED', institution: 'RBC' }), {
    step: 'INSTITUTION_SELECTED',
    detail: { institution: 'RBC' },
  });
});

test('stringified payloads and bare step names are accepted', () => {
  assert.equal(parseHostedMessage('{"step":"SUCCESS"}')?.step, 'SUCCESS');
  assert.equal(parseHostedMessage('CLOSE')?.step, 'CLOSE');
});

test('anything else is not a hosted-flow message', () => {
  for (const data of [null, undefined, 3, [], 'hello world', '{bad json', '{"step":5}', { step: '' }, { step: 'lower' }, { type: 'x' }, '[{"step":"CLOSE"}]']) {
    assert.equal(parseHostedMessage(data), undefined, JSON.stringify(data));
  }
});

test('steps mean what docs/provider.md says', () => {
  assert.equal(stepMeaning('SUCCESS'), 'completed');
  assert.equal(stepMeaning('CLOSE'), 'closed');
  assert.equal(stepMeaning('CLOSE_ATTEMPT'), 'progress');
  assert.equal(stepMeaning('CANCEL_CONFIRMATION'), 'progress');
  assert.equal(stepMeaning('GUARANTEE_FAILED'), 'ended');
  assert.equal(stepMeaning('COMPONENT_OTHER_FUNDING_OPTIONS_SELECTED'), 'ended');
  assert.equal(stepMeaning('SOME_FUTURE_STEP'), 'progress');
  assert.equal(stepMeaning('toString'), 'progress');
});
