import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { TrustedProxy } from '../config/config.js';

/** The address per-IP limits count a request against. */
export type ClientAddressOf = (request: IncomingMessage) => string;

// A socket on a dual-stack listener names an IPv4 peer as ::ffff:a.b.c.d; one client, one budget.
const unmapped = (address: string): string => (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice('::ffff:'.length) : address);

// Proxies write hops as bare addresses, but some add a port (`203.0.113.7:4711`, `[2001:db8::1]:4711`).
const hopAddress = (raw: string): string | undefined => {
  let hop = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed?.[1] !== undefined) hop = bracketed[1];
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(hop)) hop = hop.slice(0, hop.indexOf(':'));
  return isIP(hop) === 0 ? undefined : unmapped(hop);
};

/**
 * The client's address is the last untrusted hop: the TCP peer, unless it is a trusted proxy, in which
 * case X-Forwarded-For is read from the right (each proxy appends the address it was connected from),
 * skipping trusted proxies. Entries left of the first untrusted hop were written by the client and are
 * never believed. Without trusted proxies X-Forwarded-For is not read at all.
 */
export const createClientAddress = (trusted: readonly TrustedProxy[]): ClientAddressOf => {
  const peerOf = (request: IncomingMessage) => unmapped(request.socket.remoteAddress ?? 'unknown');
  if (trusted.length === 0) return peerOf;
  const proxies = new BlockList();
  for (const { address, prefix, family } of trusted) proxies.addSubnet(address, prefix, family);
  const isTrusted = (address: string) => {
    const version = isIP(address);
    return version !== 0 && proxies.check(address, version === 4 ? 'ipv4' : 'ipv6');
  };
  return (request) => {
    let client = peerOf(request);
    if (!isTrusted(client)) return client;
    // node joins repeated X-Forwarded-For headers with ", ", in order: one list.
    const header = request.headers['x-forwarded-for'];
    const hops = header === undefined ? [] : (Array.isArray(header) ? header.join(',') : header).split(',');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hopAddress(hops[i] ?? '');
      // A trusted proxy wrote something that is not an address: the last hop known is the best answer.
      if (hop === undefined) return client;
      client = hop;
      if (!isTrusted(client)) return client;
    }
    // Every hop is a trusted proxy: the farthest one is the closest thing to a client there is.
    return client;
  };
};
