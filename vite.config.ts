import { builtinModules } from 'node:module';
import { defineConfig, type BuildEnvironmentOptions, type Plugin } from 'vite';

const merchantPort = Number(process.env.BPS_MERCHANT_PORT ?? 8787);
const demoPort = Number(process.env.BPS_DEMO_PORT ?? 5173);

/**
 * The package is built in three passes (`npm run build` runs them in order), because each
 * needs different externals and a different runtime:
 *
 * - `vite build`                    browser library: `.`, `./define`, `./react`, `./vue`.
 *                                   Lit, React and Vue stay imports so the merchant's bundler
 *                                   keeps one copy of each. `./react` keeps its `'use client'`
 *                                   (Rolldown keeps an entry module's directives), which lets a
 *                                   React Server Component import it.
 * - `vite build --mode node`        server entries: `./relay`, `./relay/node`, `./relay/redis`
 *                                   (node-redis, an optional peer, stays an import), `./sandbox`,
 *                                   the bin's cli.js.
 *                                   Not minified: merchants read these stack traces in their logs.
 * - `vite build --mode standalone`  one self-contained file, Lit inlined, that registers the
 *                                   tag: the page without a bundler loads it with one script tag.
 */
type BuildTarget = 'browser' | 'node' | 'standalone';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/** A bare import of `name` or of one of its subpaths (`lit`, `lit/decorators.js`). */
const packageImport = (name: string): RegExp => new RegExp(`^${name.replace('/', '\\/')}(\\/.*)?$`);

const TARGETS: Record<BuildTarget, { entries: Record<string, string>; external: Array<string | RegExp>; node: boolean }> = {
  browser: {
    entries: {
      index: 'src/element/index.ts',
      define: 'src/element/define.ts',
      react: 'src/react/index.ts',
      vue: 'src/vue/index.ts',
    },
    external: ['lit', 'lit-html', 'lit-element', '@lit/reactive-element', 'react', 'react-dom', 'vue'].map(packageImport),
    node: false,
  },
  node: {
    entries: {
      relay: 'src/relay/index.ts',
      'relay-node': 'src/relay/node.ts',
      'relay-redis': 'src/relay/redis.ts',
      sandbox: 'src/sandbox/index.ts',
      cli: 'src/cli.ts',
    },
    external: [...nodeBuiltins, ...['hono', '@hono/node-server', 'redis'].map(packageImport)],
    node: true,
  },
  standalone: {
    entries: { 'bank-pay-session.standalone': 'src/element/define.ts' },
    external: [],
    node: false,
  },
};

/**
 * package.json's `sideEffects` names the shipped files that register the tag (dist/define.js,
 * the standalone file). Vite applies that list to this repository's own sources as well, so
 * without this plugin it would drop the registration from every build that reaches
 * src/element/define.ts through an import: the React and Vue entries would no longer define
 * the tag they render. Used by every build of the sources (this config, the size bench).
 */
export function keepRegistration(): Plugin {
  return {
    name: 'bank-pay-session:keep-registration',
    transform(code, id) {
      return id.endsWith('/src/element/define.ts') ? { code, moduleSideEffects: true } : undefined;
    },
  };
}

function buildTarget(mode: string): BuildTarget {
  if (mode === 'production' || mode === 'browser') return 'browser';
  if (mode === 'node' || mode === 'standalone') return mode;
  throw new Error(`Unknown build mode "${mode}": use the default, --mode node or --mode standalone.`);
}

function libraryBuild(target: BuildTarget): BuildEnvironmentOptions {
  const { entries, external, node } = TARGETS[target];
  return {
    outDir: 'dist',
    // The browser pass runs first and starts from an empty dist/; the others add to it.
    emptyOutDir: target === 'browser',
    target: node ? 'node20' : 'es2022',
    sourcemap: false,
    copyPublicDir: false,
    lib: { entry: entries, formats: ['es'] },
    rolldownOptions: {
      external,
      onwarn(warning, warn) {
        // The one directive the build has is meant to stay, and does (see above).
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.id?.endsWith('src/react/index.ts')) return;
        warn(warning);
      },
      ...(node ? { platform: 'node' as const } : {}),
      output: {
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
        // Library mode does not minify whitespace on its own (Vite 8 / rolldown).
        minify: !node,
      },
    },
  };
}

export default defineConfig(({ command, mode }) => ({
  plugins: [keepRegistration()],
  server: {
    port: demoPort,
    strictPort: true,
    proxy: {
      '/bank-pay': `http://127.0.0.1:${merchantPort}`,
      '/merchant': `http://127.0.0.1:${merchantPort}`,
    },
  },
  ...(command === 'build' ? { build: libraryBuild(buildTarget(mode)) } : {}),
}));
