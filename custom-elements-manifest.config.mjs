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

export default {
  // The public surface only: the class, its events, its registration and the index that exports
  // them. Internal modules (state machine, strings, styles) would add noise and churn.
  globs: ['src/element/index.ts', 'src/element/define.ts', 'src/element/bank-pay-session.ts', 'src/element/events.ts'],
  outdir: '.',
  litelement: true,
  // package.json's "customElements" field is maintained by hand; never let the analyzer edit it.
  packagejson: false,
  plugins: [eventClassNamesPlugin(), publicMembersOnlyPlugin()],
};
