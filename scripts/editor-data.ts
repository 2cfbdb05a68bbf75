/**
 * Editor data for `<bank-pay-session>`, generated from custom-elements.json: VS Code's HTML and
 * CSS custom data (attribute, event, part and custom-property completion and hovers) and
 * JetBrains' web-types. `npm run build` writes them into dist/; package.json points at them
 * (`web-types`, and the `./vscode.*-custom-data.json` exports a merchant's settings name).
 *
 *   node --import tsx scripts/editor-data.ts     writes dist/vscode.html-custom-data.json, …
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getWebTypesData } from 'custom-element-jet-brains-integration';
import { getVsCodeCssCustomData, getVsCodeHtmlCustomData } from 'custom-element-vs-code-integration';

const root = new URL('../', import.meta.url);

/** The generators' manifest type: the schema's, which this project does not install on its own. */
type GeneratorManifest = Parameters<typeof getVsCodeHtmlCustomData>[0];

export const EDITOR_DATA_FILES = ['vscode.html-custom-data.json', 'vscode.css-custom-data.json', 'web-types.json'] as const;
export type EditorDataFile = (typeof EDITOR_DATA_FILES)[number];

/** Each editor file's parsed content, for the manifest given (by default the committed one). */
export function editorData(manifest: unknown = readManifest()): Record<EditorDataFile, Record<string, unknown>> {
  const cem = manifest as GeneratorManifest;
  const packageJson = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { name: string; version: string };
  const common = { hideLogs: true, descriptionSrc: 'description' } as const;
  const webTypes = JSON.parse(
    getWebTypesData(cem, {
      ...common,
      // Where JetBrains finds the class the tag is defined with, relative to the package.
      modulePathTemplate: (_name: string, modulePath: string) => `./${modulePath}`,
    }),
  ) as Record<string, unknown>;
  return {
    'vscode.html-custom-data.json': JSON.parse(getVsCodeHtmlCustomData(cem, common)) as Record<string, unknown>,
    'vscode.css-custom-data.json': JSON.parse(getVsCodeCssCustomData(cem, common)) as Record<string, unknown>,
    // The generator reads name and version from the package.json of the working directory.
    'web-types.json': { ...webTypes, name: packageJson.name, version: packageJson.version },
  };
}

function readManifest(): unknown {
  return JSON.parse(readFileSync(new URL('custom-elements.json', root), 'utf8'));
}

export function writeEditorData(outDir = new URL('dist/', root)): string[] {
  mkdirSync(outDir, { recursive: true });
  return Object.entries(editorData()).map(([name, content]) => {
    const file = new URL(name, outDir);
    writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`);
    return fileURLToPath(file);
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const file of writeEditorData()) console.log(`wrote ${file}`);
}
