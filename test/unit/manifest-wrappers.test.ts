/**
 * The React and Vue wrappers against custom-elements.json: every event the manifest lists has a
 * React `on…` prop and a Vue emit, and every property-backed attribute is a React and a Vue prop, so a new
 * event or attribute on the element cannot be forgotten by a wrapper; the bare tag's React JSX
 * typing lists the same attributes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ELEMENT_PROPERTIES } from '../../src/react/element-props.js';
import { EVENT_PROP_NAMES } from '../../src/react/event-props.js';
import { BARE_TAG_ATTRIBUTES } from '../../src/react/jsx.js';
import { bankPaySessionProps, EVENT_NAMES } from '../../src/vue/props.js';
import { elementDeclaration, readCommittedManifest } from '../package/manifest-support.js';

const element = elementDeclaration(readCommittedManifest());
const manifestEvents = (element.events ?? []).map((event) => event.name).sort();
/** Attributes backed by a property are the ones a page sets; `state` is only reflected. */
const settableAttributes = (element.attributes ?? []).filter((attribute) => attribute.fieldName);

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

  test("takes exactly the element's settable properties as props", () => {
    assert.deepEqual([...ELEMENT_PROPERTIES].sort(), settableAttributes.map((attribute) => attribute.fieldName ?? '').sort());
  });

  test("types the bare tag's JSX with exactly the settable attributes in the manifest", () => {
    assert.deepEqual([...BARE_TAG_ATTRIBUTES].sort(), settableAttributes.map((attribute) => attribute.name).sort());
  });
});

describe('Vue wrapper', () => {
  test('emits exactly the events in the manifest', () => {
    assert.deepEqual([...EVENT_NAMES].sort(), manifestEvents);
  });

  test("has a prop for each of the element's settable properties", () => {
    const settable = settableAttributes.map((attribute) => attribute.fieldName ?? '');
    assert.ok(settable.includes('sessionId'), 'sanity: the manifest maps attributes to properties');
    assert.deepEqual(Object.keys(bankPaySessionProps).sort(), settable.sort());
  });
});
