/**
 * custom-elements.json against the code: the committed manifest is what the analyzer makes of
 * today's JSDoc, and every attribute, event, CSS part and custom property the element really has
 * is in it, documented (and nothing it lacks is advertised).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BankPaySession } from '../../src/element/bank-pay-session.js';
import {
  COMMITTED_MANIFEST_PATH,
  elementDeclaration,
  generateManifest,
  readCommittedManifest,
  type ManifestEntry,
} from '../package/manifest-support.js';

const elementDir = new URL('../../src/element/', import.meta.url);

/** The element's source, tests excluded: what the scans below look through. */
const elementSource = readdirSync(elementDir)
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
  .map((name) => readFileSync(new URL(name, elementDir), 'utf8'))
  .join('\n');

function matches(pattern: RegExp, text = elementSource): string[] {
  return [...text.matchAll(pattern)].map((match) => match[1] ?? '');
}

const sorted = (names: Iterable<string>): string[] => [...new Set(names)].sort();
const names = (entries: readonly ManifestEntry[] | undefined): string[] => sorted((entries ?? []).map((entry) => entry.name));

function assertDocumented(kind: string, entries: readonly ManifestEntry[] | undefined): void {
  const undocumented = (entries ?? []).filter((entry) => !entry.description?.trim()).map((entry) => entry.name);
  assert.deepEqual(undocumented, [], `${kind} without a JSDoc description on the class: ${undocumented.join(', ')}`);
}

const manifest = readCommittedManifest();
const element = elementDeclaration(manifest);

describe('custom-elements.json', () => {
  test('is what the analyzer makes of the current source (run `npm run analyze` and commit it)', async () => {
    assert.deepEqual(manifest, await generateManifest(), `${fileURLToPath(COMMITTED_MANIFEST_PATH)} is stale`);
  });

  test('declares <bank-pay-session> with a summary', () => {
    assert.equal(element.tagName, 'bank-pay-session');
    assert.equal(element.name, 'BankPaySession');
    assert.ok(element.summary?.trim(), 'the class needs an @summary');
  });

  test('lists every attribute the element observes or sets on itself', () => {
    const observed = BankPaySession.observedAttributes;
    const setOnItself = matches(/this\.(?:setAttribute|toggleAttribute)\(\s*['"]([a-z][a-z0-9-]*)['"]/g);
    assert.ok(observed.includes('session-id'), 'sanity: the class observes its attributes');
    assert.deepEqual(names(element.attributes), sorted([...observed, ...setOnItself]));
    assertDocumented('attributes', element.attributes);
  });

  test("maps each property-backed attribute to the element's property", () => {
    const propertyByAttribute = new Map<string, string>();
    for (const [property, options] of BankPaySession.elementProperties) {
      if (options.attribute === false || typeof property !== 'string') continue;
      propertyByAttribute.set(typeof options.attribute === 'string' ? options.attribute : property.toLowerCase(), property);
    }
    for (const attribute of element.attributes ?? []) {
      const property = propertyByAttribute.get(attribute.name);
      if (property) assert.equal(attribute.fieldName, property, `attribute ${attribute.name}`);
    }
  });

  test('lists every event the element dispatches', () => {
    const fromEventClasses = matches(/super\(\s*['"](bps-[a-z0-9-]+)['"]/g);
    const fromPlainEvents = matches(/new (?:Custom)?Event\(\s*['"]([a-z][a-z0-9-]*)['"]/g);
    const eventMapBlock = /interface GlobalEventHandlersEventMap \{([^}]*)\}/.exec(elementSource)?.[1] ?? '';
    const fromEventMap = matches(/['"]([a-z][a-z0-9-]*)['"]\s*:/g, eventMapBlock);
    assert.ok(fromEventClasses.includes('bps-exit'), 'sanity: event classes were found');
    assert.deepEqual(names(element.events), sorted([...fromEventClasses, ...fromPlainEvents, ...fromEventMap]));
    assertDocumented('events', element.events);
  });

  test('types each event with the class that carries it', () => {
    for (const event of element.events ?? []) {
      assert.match(event.type?.text ?? '', /^Bps\w+Event$/, `event ${event.name}`);
    }
  });

  test('lists every CSS part in the templates', () => {
    const parts = matches(/\bpart=["']([^"'$]+)["']/g).flatMap((value) => value.trim().split(/\s+/));
    assert.ok(parts.includes('frame'), 'sanity: parts were found');
    assert.deepEqual(names(element.cssParts), sorted(parts));
    assertDocumented('CSS parts', element.cssParts);
  });

  test('lists every public custom property the styles read', () => {
    const properties = matches(/var\(\s*(--bps-[a-z0-9-]+)/g);
    assert.ok(properties.includes('--bps-frame-height'), 'sanity: custom properties were found');
    assert.deepEqual(names(element.cssProperties), sorted(properties));
    assertDocumented('custom properties', element.cssProperties);
  });
});
