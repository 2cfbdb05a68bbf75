/**
 * Serves a few files under /bench/raw/ ahead of Vite's own middlewares, as a production
 * server would: the first-paint pages must not get the dev server's HTML rewriting (the
 * module script Vite adds, its client, would run before the element's and delay it, a cost
 * no production page has). The pages' `{{name}}` placeholders are filled from the query
 * string, HTML-escaped, as a server renders the session into the page.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plugin } from 'vite';

const RAW_FILES: Record<string, { readonly path: string; readonly type: string; readonly template?: boolean }> = {
  'first-paint-element.html': { path: 'bench/pages/first-paint/element.html', type: 'text/html; charset=utf-8', template: true },
  'first-paint-iframe.html': { path: 'bench/pages/first-paint/iframe.html', type: 'text/html; charset=utf-8', template: true },
  'bank-pay-session.standalone.js': { path: 'bench/out/bank-pay-session.standalone.js', type: 'text/javascript; charset=utf-8' },
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function fillTemplate(html: string, values: URLSearchParams): string {
  return html.replace(/\{\{(\w+)\}\}/g, (_, name: string) => (values.get(name) ?? '').replace(/[&<>"']/g, (char) => ESCAPES[char]!));
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
            response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store', 'content-length': body.length });
            response.end(body);
          },
          () => response.writeHead(404).end(),
        );
      });
    },
  };
}
