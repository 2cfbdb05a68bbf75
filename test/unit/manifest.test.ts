/**
 * custom-elements.json against the code: the committed manifest is what the analyzer makes of
 * today's JSDoc, and every attribute, event, CSS part and custom property the element really has
 * is in it, documented (and nothing it lacks is advertised). Its module paths name files the
 * package ships, and each module exports what its entry really exports.
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
  REPO_ROOT,
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

/** Every `{name, module}` reference in the manifest (declarations, superclasses, inherited members). */
function moduleReferences(value: unknown, found: Array<{ name: string; module: string }> = []): Array<{ name: string; module: string }> {
  if (Array.isArray(value)) for (const item of value) moduleReferences(item, found);
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.module === 'string' && record.package === undefined) found.push({ name: String(record.name), module: record.module });
    for (const child of Object.values(record)) moduleReferences(child, found);
  }
  return found;
}

/** The files package.json's `exports` lets a consumer import, without the leading `./`. */
function exportedFiles(): Set<string> {
  const { exports } = JSON.parse(readFileSync(new URL('package.json', REPO_ROOT), 'utf8')) as { exports: Record<string, unknown> };
  const files = new Set<string>();
  const collect = (target: unknown): void => {
    if (typeof target === 'string') files.add(target.replace(/^\.\//, ''));
    else if (target && typeof target === 'object') for (const [condition, inner] of Object.entries(target)) if (condition !== 'types') collect(inner);
  };
  for (const target of Object.values(exports)) collect(target);
  return files;
}

/** Which source entry the analyzer config reports under which shipped file. */
async function shippedEntries(): Promise<Record<string, string>> {
  // A variable specifier: the config is plain JavaScript without declarations; its shape is this.
  const config = new URL('custom-elements-manifest.config.mjs', REPO_ROOT).href;
  return ((await import(config)) as { SHIPPED_ENTRIES: Record<string, string> }).SHIPPED_ENTRIES;
}

describe('custom-elements.json module paths', () => {
  test('name only files that package.json exports, never a source path', () => {
    const exported = exportedFiles();
    assert.ok(exported.has('dist/index.js'), 'sanity: the exports were read');
    const paths = manifest.modules.map((module) => module.path);
    assert.deepEqual(paths.filter((path) => !exported.has(path)), []);
  });

  test('every reference to a module names a module of the manifest that declares it', () => {
    const declarations = new Map(manifest.modules.map((module) => [module.path, new Set((module.declarations ?? []).map((d) => d.name))]));
    const references = moduleReferences(manifest.modules);
    assert.ok(references.length > 10, 'sanity: the references were found');
    const dangling = references.filter(({ name, module }) => !declarations.has(module) || (name !== 'BpsEvent' && !declarations.get(module)?.has(name)));
    // BpsEvent, the events' shared (unexported) base class, is named as their superclass only.
    assert.deepEqual(dangling, []);
    assert.deepEqual(references.filter(({ module }) => /(^|\/)src\/|\.ts$/.test(module)), []);
  });

  test("each shipped module lists exactly the values its source entry exports (types are the declarations' business)", async () => {
    const entries = await shippedEntries();
    assert.deepEqual(Object.values(entries).sort(), manifest.modules.map((module) => module.path).sort());
    for (const [source, shipped] of Object.entries(entries)) {
      const runtime = Object.keys((await import(new URL(source, REPO_ROOT).href)) as Record<string, unknown>);
      const module = manifest.modules.find((candidate) => candidate.path === shipped);
      const listed = (module?.exports ?? []).filter((entry) => entry.kind === 'js').map((entry) => entry.name);
      assert.deepEqual(sorted(listed), sorted(runtime), `${shipped} (built from ${source})`);
    }
  });

  test('the tag is defined by dist/define.js, with the class declared in the module the root entry ships', () => {
    const definitions = manifest.modules.flatMap((module) =>
      (module.exports ?? []).filter((entry) => entry.kind === 'custom-element-definition').map((entry) => ({ path: module.path, ...entry })),
    );
    assert.deepEqual(
      definitions.map(({ path, name, declaration }) => ({ path, name, declaration })),
      [{ path: 'dist/define.js', name: 'bank-pay-session', declaration: { name: 'BankPaySession', module: 'dist/index.js' } }],
    );
    const declaring = manifest.modules.find((module) => module.path === 'dist/index.js');
    assert.equal(declaring?.declarations?.find((declaration) => declaration.name === 'BankPaySession'), element);
  });
});
