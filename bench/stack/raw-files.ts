/**
 * Serves the bench pages under /bench/raw/ byte for byte, ahead of Vite's own middlewares,
 * as a production server would: no dev-server HTML rewriting (Vite adds its client, a module
 * script with a websocket, that would run before the page's own), no per-module transforms.
 * The page scripts are bundled beforehand (bench/pages/build.ts). The first-paint pages'
 * `{{name}}` placeholders are filled from the query string, HTML-escaped, as a server renders
 * the session into the page.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plugin } from 'vite';

interface RawFile {
  readonly path: string;
  readonly type: string;
  readonly template?: boolean;
}

const html = (path: string, template = false): RawFile => ({ path, type: 'text/html; charset=utf-8', template });
const script = (path: string): RawFile => ({ path, type: 'text/javascript; charset=utf-8' });

const RAW_FILES: Record<string, RawFile> = {
  'element.html': html('bench/pages/element.html'),
  'naive-fetch.html': html('bench/pages/naive-fetch.html'),
  'naive-beacon.html': html('bench/pages/naive-beacon.html'),
  'elsewhere.html': html('bench/pages/elsewhere.html'),
  'first-paint-element.html': html('bench/pages/first-paint-element.html', true),
  'first-paint-element-head-script.html': html('bench/pages/first-paint-element-head-script.html', true),
  'first-paint-element-alone.html': html('bench/pages/first-paint-element-alone.html', true),
  'first-paint-iframe.html': html('bench/pages/first-paint-iframe.html', true),
  'checkout.js': script('bench/out/checkout.js'),
  'bank-pay-session.standalone.js': script('bench/out/bank-pay-session.standalone.js'),
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function fillTemplate(template: string, values: URLSearchParams): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => (values.get(name) ?? '').replace(/[&<>"']/g, (char) => ESCAPES[char]!));
}

export function rawFiles(root: string): Plugin {
  return {
    name: 'bench-raw-files',
    configureServer(server) {
      server.middlewares.use('/bench/raw/', (request, response, next) => {
        const [name = '', query = ''] = (request.url ?? '').replace(/^\//, '').split('?');
        const file = RAW_FILES[name];
        if (!file) return next();
        readFile(join(root, file.path)).then(
          (content) => {
            const body = file.template ? Buffer.from(fillTemplate(content.toString('utf8'), new URLSearchParams(query))) : content;
            // no-cache, not no-store: a no-store page is never put in the back/forward cache.
            response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache', 'content-length': body.length });
            response.end(body);
          },
          () => response.writeHead(404).end(),
        );
      });
    },
  };
}
