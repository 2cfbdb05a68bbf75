/**
 * Which URLs the element will frame: `https:` anywhere, `http:` only on the local machine
 * for development. A payment page over plain http on a real host could be rewritten in transit.
 */

const LOCAL_HOST = /^(localhost|127\.0\.0\.1|\[::1\])$/;

/** The URL to frame, resolved against the page, or undefined when it must not be framed. */
export function frameSource(src: string, base: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(src, base);
  } catch {
    return undefined;
  }
  const allowed = url.protocol === 'https:' || (url.protocol === 'http:' && LOCAL_HOST.test(url.hostname));
  return allowed ? url : undefined;
}
