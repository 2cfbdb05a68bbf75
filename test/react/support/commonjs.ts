/**
 * React publishes CommonJS only, and web-test-runner serves node_modules as they are: the shared
 * test-runner config has no CommonJS conversion, and React is the only package that needs one.
 * This loads a package's own CommonJS files into the page with a minimal `require()`, so the
 * wrapper is tested with the real react and react-dom (development builds) in real Chromium.
 *
 * Everything a module may require is fetched first (require() must be synchronous), then modules
 * run on first require, once, sharing one cache, so react-dom and the test see the same React.
 */

interface CommonJsModule {
  exports: unknown;
}

// React's entry files pick their build from process.env.NODE_ENV, as a bundler would.
const processShim = { env: { NODE_ENV: 'development' } };
const REQUIRE_CALL = /\brequire\(\s*["']([^"']+)["']\s*\)/g;

const sources = new Map<string, string>();
const modules = new Map<string, CommonJsModule>();

/** A bare name is served from /node_modules; the packages loaded here keep their main in index.js. */
function resolve(specifier: string, fromUrl: string): string {
  const withExtension = (path: string) => (path.endsWith('.js') ? path : `${path}.js`);
  if (specifier.startsWith('./') || specifier.startsWith('../')) {
    return new URL(withExtension(specifier), fromUrl).href;
  }
  const isScoped = specifier.startsWith('@');
  const parts = specifier.split('/');
  const packageName = parts.slice(0, isScoped ? 2 : 1).join('/');
  const subpath = parts.slice(isScoped ? 2 : 1).join('/');
  return new URL(`/node_modules/${packageName}/${subpath ? withExtension(subpath) : 'index.js'}`, location.origin).href;
}

async function fetchWithDependencies(url: string): Promise<void> {
  if (sources.has(url)) return;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Cannot load ${url}: HTTP ${response.status}`);
  const source = await response.text();
  sources.set(url, source);
  const dependencies = [...source.matchAll(REQUIRE_CALL)].map((match) => resolve(match[1] ?? '', url));
  await Promise.all(dependencies.map(fetchWithDependencies));
}

function requireUrl(url: string): unknown {
  const cached = modules.get(url);
  if (cached) return cached.exports;
  const source = sources.get(url);
  if (source === undefined) throw new Error(`${url} was required but not fetched first`);
  const module: CommonJsModule = { exports: {} };
  modules.set(url, module);
  // Evaluating fetched code is the point of a module loader; these are local node_modules files.
  const run = new Function('module', 'exports', 'require', 'process', `${source}\n//# sourceURL=${url}`);
  run(module, module.exports, (specifier: string) => requireUrl(resolve(specifier, url)), processShim);
  return module.exports;
}

/** `await loadCommonJs('react-dom/client')`: the package's exports, as `require()` gives them. */
export async function loadCommonJs<T>(specifier: string): Promise<T> {
  const url = resolve(specifier, location.origin);
  await fetchWithDependencies(url);
  return requireUrl(url) as T;
}
