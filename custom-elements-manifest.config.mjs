// @custom-elements-manifest/analyzer settings: `npm run analyze` writes custom-elements.json
// from the JSDoc on the element's class (@summary, @attr, @event, @csspart, @cssprop).
// test/unit/manifest.test.ts fails when the committed file is stale or misses something the
// code has; test/unit/manifest-wrappers.test.ts checks the React and Vue wrappers against it.

/**
 * The element dispatches `new BpsExitEvent(sessionId, …)`: the analyzer reads the first argument
 * as the event's name and lists a nameless or wrongly named event. The real name is the literal
 * each event class passes to `super('bps-…')`. This plugin learns class → name from the classes,
 * gives each inferred event its real name and merges it into the JSDoc `@event` of that name, so
 * every event appears once, with its JSDoc description and its class as its type.
 */
function eventClassNamesPlugin() {
  /** @type {Map<string, string>} event class name → event name */
  const eventNameByClass = new Map();

  return {
    name: 'bank-pay-session:event-class-names',
    analyzePhase({ ts, node }) {
      if (!ts.isClassDeclaration(node) || !node.name?.text.endsWith('Event')) return;
      const visit = (child) => {
        if (
          ts.isCallExpression(child) &&
          child.expression.kind === ts.SyntaxKind.SuperKeyword &&
          child.arguments[0] &&
          ts.isStringLiteral(child.arguments[0])
        ) {
          eventNameByClass.set(node.name.text, child.arguments[0].text);
        }
        ts.forEachChild(child, visit);
      };
      ts.forEachChild(node, visit);
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          if (!declaration.events) continue;
          const byName = new Map();
          // JSDoc events first, so the manifest keeps their documented order.
          const documentedFirst = [...declaration.events].sort((a, b) => Number(!a.description) - Number(!b.description));
          for (const event of documentedFirst) {
            const className = event.type?.text;
            const name = (className && eventNameByClass.get(className)) ?? event.name;
            if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) continue;
            const known = byName.get(name);
            byName.set(name, { ...event, ...known, name });
          }
          for (const event of byName.values()) {
            const eventClass = [...eventNameByClass].find(([, eventName]) => eventName === event.name)?.[0];
            if (eventClass) event.type = { text: eventClass };
          }
          declaration.events = [...byName.values()];
        }
      }
    },
  };
}

/**
 * Private members (`#state`, `#apply`…) are not API: leaving them out keeps the manifest to what
 * merchants and their tools may use, and stops every internal refactor from changing it.
 */
function publicMembersOnlyPlugin() {
  return {
    name: 'bank-pay-session:public-members-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          if (!declaration.members) continue;
          declaration.members = declaration.members.filter(
            (member) => member.privacy !== 'private' && member.privacy !== 'protected' && !member.name.startsWith('#'),
          );
        }
      }
    },
  };
}

/**
 * The analyzer names modules by their source path (`src/element/events.ts`), which the package
 * does not ship: a tool that follows `path` or a declaration's `module` finds nothing. This
 * plugin reports each public entry under the file it is built to (see `SHIPPED_ENTRIES`), and
 * moves every declaration an entry exports into the first entry that exports it: the class and
 * its events are declared in `dist/index.js`, which is where `import … from 'bank-pay-session'`
 * finds them (the hashed chunk the bundler really puts them in is not an address anyone can use).
 * An export is kept when its declaration is in the manifest: type-only exports (`ExitReason`,
 * `CancelResult`…) have none, and are the declaration files' business.
 */
function shippedModulePathsPlugin(shippedEntries) {
  /** `./events.js` seen from `src/element/index.ts` → `src/element/events.ts`. */
  const sourcePath = (fromModule, specifier) => {
    if (!specifier.startsWith('.') && !specifier.startsWith('/')) return specifier.replace(/\.js$/, '.ts');
    const base = specifier.startsWith('/') ? ['.'] : fromModule.split('/').slice(0, -1);
    for (const part of specifier.replace(/^\//, '').split('/')) {
      if (part === '..') base.pop();
      else if (part !== '.') base.push(part);
    }
    return base.filter((part) => part !== '.').join('/').replace(/\.js$/, '.ts');
  };

  return {
    name: 'bank-pay-session:shipped-module-paths',
    packageLinkPhase({ customElementsManifest }) {
      const sources = new Map(customElementsManifest.modules.map((module) => [module.path, module]));
      /** declaration name → its source module, for every declaration the analyzer found. */
      const declaredIn = new Map();
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) declaredIn.set(declaration.name, module.path);
      }
      /** source module path → the shipped file its public declarations now live in. */
      const shippedPathOf = new Map();
      /** declaration name → the shipped file that declares it. */
      const shippedDeclaration = new Map();
      const shipped = [];

      for (const [entryPath, shippedPath] of Object.entries(shippedEntries)) {
        const entry = sources.get(entryPath);
        if (!entry) throw new Error(`shipped entry ${entryPath} is not among the analyzed modules`);
        const module = { kind: 'javascript-module', path: shippedPath, declarations: [], exports: [] };
        shippedPathOf.set(entryPath, shippedPath);
        for (const declaredExport of entry.exports ?? []) {
          const name = declaredExport.declaration.name;
          const from = declaredIn.get(name);
          if (!from) continue; // a type, or a value of a module the analyzer was not given
          if (!shippedDeclaration.has(name)) {
            const declaration = sources.get(from).declarations.find((candidate) => candidate.name === name);
            module.declarations.push(declaration);
            shippedDeclaration.set(name, shippedPath);
            if (!shippedPathOf.has(from)) shippedPathOf.set(from, shippedPath);
          }
          module.exports.push({ ...declaredExport, declaration: { name, module: shippedDeclaration.get(name) } });
        }
        shipped.push(module);
      }

      // References inside declarations (a superclass, an inherited member) name source modules too.
      const rewrite = (value, fromModule) => {
        if (Array.isArray(value)) return value.forEach((item) => rewrite(item, fromModule));
        if (!value || typeof value !== 'object') return;
        if (typeof value.module === 'string' && !value.package) {
          const source = sourcePath(fromModule, value.module);
          value.module = shippedDeclaration.get(value.name) ?? shippedPathOf.get(source) ?? value.module;
        }
        for (const child of Object.values(value)) rewrite(child, fromModule);
      };
      for (const module of shipped) {
        for (const declaration of module.declarations) rewrite(declaration, declaredIn.get(declaration.name));
      }
      customElementsManifest.modules = shipped;
    },
  };
}

/**
 * The public entries whose declarations the manifest describes, by source module, and the file
 * each is built to (vite.config.ts; package.json's `exports` "." and "./define").
 */
export const SHIPPED_ENTRIES = {
  'src/element/index.ts': 'dist/index.js',
  'src/element/define.ts': 'dist/define.js',
};

export default {
  // The entries, and the modules that declare the values they export (the class, its events and
  // the exported constants). Only what an entry exports reaches the manifest (see the last plugin).
  globs: [
    'src/element/index.ts',
    'src/element/define.ts',
    'src/element/bank-pay-session.ts',
    'src/element/events.ts',
    'src/element/state-machine.ts',
    'src/element/cancel-on.ts',
  ],
  outdir: '.',
  litelement: true,
  // package.json's "customElements" field is maintained by hand; never let the analyzer edit it.
  packagejson: false,
  plugins: [eventClassNamesPlugin(), publicMembersOnlyPlugin(), shippedModulePathsPlugin(SHIPPED_ENTRIES)],
};
