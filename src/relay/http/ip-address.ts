/**
 * IP addresses and ranges for the client-IP rules: parsing (strictly: anything else is
 * "malformed"), CIDR matching and the rate-limit key of an address. Web-standard code only
 * (no `node:net`), so the relay still runs on any fetch runtime.
 */

export interface IpAddress {
  readonly version: 4 | 6;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
}

const IPV4_PART = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => IPV4_PART.test(part))) return undefined;
  return Uint8Array.from(parts.map(Number));
}

function parseIpv6(text: string): Uint8Array | undefined {
  if (text.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      // An embedded IPv4 address (::ffff:192.0.2.1) may close the address.
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(part)) out.push(parseInt(part, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}

const V4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/**
 * An address as a proxy header or a socket gives it: IPv4, IPv6 (a zone `%eth0` is dropped),
 * either with a port (`192.0.2.1:443`, `[2001:db8::1]:443`). IPv4-mapped IPv6 becomes IPv4.
 */
export function parseIp(input: string): IpAddress | undefined {
  let text = input.trim();
  if (text.length === 0 || text.length > 64) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  text = text.replace(/%[\w.-]+$/, '');
  const v4 = parseIpv4(text);
  if (v4) return { version: 4, bytes: v4 };
  const v6 = parseIpv6(text);
  if (!v6) return undefined;
  if (V4_MAPPED_PREFIX.every((byte, i) => v6[i] === byte)) return { version: 4, bytes: v6.slice(12) };
  return { version: 6, bytes: v6 };
}

export interface IpRange {
  readonly address: IpAddress;
  readonly prefix: number;
}

/** Ranges named as Express's `trust proxy` names them. */
export const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** `10.0.0.0/8`, `2001:db8::/32`, a single address, or a named range; undefined when malformed. */
export function parseRanges(text: string): IpRange[] | undefined {
  const named = NAMED_RANGES[text.trim().toLowerCase()];
  if (named) return named.flatMap((range) => parseRanges(range)!);
  const [addressText, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined || addressText === undefined) return undefined;
  const address = parseIp(addressText);
  if (!address) return undefined;
  const bits = address.bytes.length * 8;
  if (prefixText === undefined) return [{ address, prefix: bits }];
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return undefined;
  return [{ address, prefix: Number(prefixText) }];
}

export function inRange(ip: IpAddress, range: IpRange): boolean {
  if (ip.version !== range.address.version) return false;
  let bits = range.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip.bytes[i]! & mask) !== (range.address.bytes[i]! & mask)) return false;
  }
  return true;
}

/**
 * The rate-limit key of an address: IPv4 as written; IPv6 by its /64, the block one
 * subscriber line gets, so a client cannot escape its budget by rotating through its own block.
 */
export function limitKey(ip: IpAddress): string {
  if (ip.version === 4) return ip.bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 8; i += 2) groups.push(((ip.bytes[i]! << 8) | ip.bytes[i + 1]!).toString(16));
  return `${groups.join(':')}::/64`;
}
