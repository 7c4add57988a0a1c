import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { badInput, type RoomcastError } from '../../errors/index.js';
import { isPublicAddress } from './address-policy.js';

/** Every address a host name resolves to (dns.lookup with `all`, as connections would resolve it). */
export type ResolveAll = (hostname: string) => Promise<readonly LookupAddress[]>;

export const resolveAll: ResolveAll = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

/** The host of a URL as a resolver or an IP check wants it: `[::1]` becomes `::1`. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** A URL's scheme: anything but http(s) is refused before any address is looked at. */
export const parseWebhookUrl = (raw: string): URL => {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw badInput('url must be an http:// or https:// URL', { field: 'url' });
  if (url.username !== '' || url.password !== '') throw badInput('url must not carry credentials', { field: 'url' });
  return url;
};

/**
 * Refuses a URL whose host is, or resolves to, an address that is not public (address-policy.ts): every
 * address it resolves to must pass, since a client may connect to any of them. Returns the refusal, or
 * undefined when the URL may be used. A name that does not resolve is refused too.
 */
export const refusalOf = async (url: URL, resolve: ResolveAll): Promise<RoomcastError | undefined> => {
  const host = hostOf(url);
  let addresses: readonly string[];
  if (isIP(host) !== 0) {
    addresses = [host];
  } else {
    try {
      addresses = (await resolve(host)).map((entry) => entry.address);
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'lookup failed';
      return badInput(`url host ${host} does not resolve (${code})`, { field: 'url' });
    }
  }
  const refused = addresses.find((address) => !isPublicAddress(address));
  if (addresses.length === 0 || refused !== undefined) {
    return badInput(`url host ${host} resolves to ${refused ?? 'nothing'}, a loopback, private or link-local address`, { field: 'url' });
  }
  return undefined;
};
