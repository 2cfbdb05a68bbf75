/**
 * The React and Vue wrappers against custom-elements.json: every event the manifest lists has a
 * React `on…` prop and a Vue emit, and every property-backed attribute has a Vue prop, so a new
 * event or attribute on the element cannot be forgotten by a wrapper.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EVENT_PROP_NAMES } from '../../src/react/event-props.js';
import { bankPaySessionProps, EVENT_NAMES } from '../../src/vue/props.js';
import { elementDeclaration, readCommittedManifest } from '../package/manifest-support.js';

const element = elementDeclaration(readCommittedManifest());
const manifestEvents = (element.events ?? []).map((event) => event.name).sort();

/** `bps-close-request` → `onBpsCloseRequest`: React's convention for event props. */
function reactPropName(eventName: string): string {
  return `on${eventName.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase())}`;
}

describe('React wrapper', () => {
  test('has an on… prop for exactly the events in the manifest', () => {
    assert.deepEqual(Object.keys(EVENT_PROP_NAMES).sort(), manifestEvents);
  });

  test('names each prop after its event', () => {
    for (const [eventName, propName] of Object.entries(EVENT_PROP_NAMES)) {
      assert.equal(propName, reactPropName(eventName));
    }
  });
});

describe('Vue wrapper', () => {
  test('emits exactly the events in the manifest', () => {
    assert.deepEqual([...EVENT_NAMES].sort(), manifestEvents);
  });

  test("has a prop for each of the element's settable properties", () => {
    const settable = (element.attributes ?? []).flatMap((attribute) => (attribute.fieldName ? [attribute.fieldName] : []));
    assert.ok(settable.includes('sessionId'), 'sanity: the manifest maps attributes to properties');
    assert.deepEqual(Object.keys(bankPaySessionProps).sort(), settable.sort());
  });
});
