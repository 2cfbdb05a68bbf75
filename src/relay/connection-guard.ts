/**
 * Keeps a flood of idle or slow connections from taking every file descriptor: a cap on
 * open connections in all and per client address. When a cap is reached, the connection
 * that has been idle longest (no request in progress: a keep-alive socket between requests,
 * or one that never finished sending its headers) is closed to make room, so a shopper's
 * new connection is served and only a connection busy with a request is ever refused.
 * Every step is O(1): idle sockets sit in insertion-ordered Sets, oldest first. Node-only.
 */

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** Open connections at most; undefined: no cap. */
  readonly maxConnections: number | undefined;
  /** Open connections per client address at most; undefined: no cap. */
  readonly maxConnectionsPerAddress: number | undefined;
  /** Addresses the per-address cap does not apply to (your own proxies carry many clients each). */
  readonly exempt: (address: string) => boolean;
}

export interface ConnectionCounts {
  readonly open: number;
  /** Connections closed to make room for new ones. */
  readonly evicted: number;
  /** New connections refused because every open one was busy. */
  readonly refused: number;
}

interface Peer {
  count: number;
  readonly idle: Set<Socket>;
}

interface Tracked {
  readonly address: string;
  /** Requests in progress on this socket. */
  active: number;
}

export function guardConnections(server: Server, limits: ConnectionLimits): () => ConnectionCounts {
  const tracked = new Map<Socket, Tracked>();
  const idle = new Set<Socket>();
  const peers = new Map<string, Peer>();
  let evicted = 0;
  let refused = 0;

  const evictOldest = (from: Set<Socket>): boolean => {
    const oldest = from.values().next();
    if (oldest.done) return false;
    forget(oldest.value);
    oldest.value.destroy();
    evicted += 1;
    return true;
  };

  const forget = (socket: Socket) => {
    const entry = tracked.get(socket);
    if (!entry) return;
    tracked.delete(socket);
    idle.delete(socket);
    const peer = peers.get(entry.address);
    if (peer) {
      peer.count -= 1;
      peer.idle.delete(socket);
      if (peer.count <= 0) peers.delete(entry.address);
    }
  };

  const setIdle = (socket: Socket, entry: Tracked) => {
    const peer = peers.get(entry.address);
    // Re-inserted, so the Sets stay in order of becoming idle.
    idle.delete(socket);
    idle.add(socket);
    if (peer) {
      peer.idle.delete(socket);
      peer.idle.add(socket);
    }
  };

  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const capped = limits.maxConnectionsPerAddress !== undefined && !limits.exempt(address);
    if (limits.maxConnections !== undefined && tracked.size >= limits.maxConnections && !evictOldest(idle)) {
      refused += 1;
      socket.destroy();
      return;
    }
    let peer = peers.get(address);
    if (capped && peer && peer.count >= limits.maxConnectionsPerAddress! && !evictOldest(peer.idle)) {
      refused += 1;
      socket.destroy();
      return;
    }
    peer = peers.get(address);
    if (!peer) peers.set(address, (peer = { count: 0, idle: new Set() }));
    peer.count += 1;
    const entry: Tracked = { address, active: 0 };
    tracked.set(socket, entry);
    setIdle(socket, entry);
    socket.once('close', () => forget(socket));
  });

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket;
    const entry = tracked.get(socket);
    if (!entry) return;
    entry.active += 1;
    idle.delete(socket);
    peers.get(entry.address)?.idle.delete(socket);
    const done = () => {
      response.off('finish', done);
      response.off('close', done);
      entry.active -= 1;
      if (entry.active === 0 && tracked.has(socket)) setIdle(socket, entry);
    };
    response.on('finish', done);
    response.on('close', done);
  });

  return () => ({ open: tracked.size, evicted, refused });
}
