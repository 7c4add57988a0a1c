import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { createClientAddress } from '../../src/transport/client-address.js';

// Only the two fields the function reads; an IncomingMessage has many more.
const request = (peer: string, forwardedFor?: string): IncomingMessage =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

const addressWith = (trustProxy: string | undefined) => createClientAddress(loadConfig({ TRUST_PROXY: trustProxy }).trustedProxies);

describe('client address (TRUST_PROXY)', () => {
  it('without trusted proxies is the TCP peer, whatever X-Forwarded-For says', () => {
    const address = addressWith(undefined);
    assert.equal(address(request('198.51.100.7', '203.0.113.1')), '198.51.100.7');
    assert.equal(address(request('::ffff:198.51.100.7')), '198.51.100.7', 'an IPv4 peer on a dual-stack socket is one address');
  });

  it('from a peer that is not trusted ignores X-Forwarded-For', () => {
    assert.equal(addressWith('10.0.0.0/8')(request('198.51.100.7', '203.0.113.1')), '198.51.100.7');
  });

  it('is the last untrusted hop: entries left of it (a forged prefix) are never believed', () => {
    const address = addressWith('127.0.0.1, 10.0.0.0/8, fd00::/8');
    assert.equal(address(request('127.0.0.1', '203.0.113.1')), '203.0.113.1');
    assert.equal(address(request('127.0.0.1', '198.51.100.66, 203.0.113.1')), '203.0.113.1');
    assert.equal(address(request('127.0.0.1', '198.51.100.66, 203.0.113.1, 10.1.2.3')), '203.0.113.1', 'trusted hops are skipped');
    assert.equal(address(request('fd00::5', '2001:db8::1, fd00::9')), '2001:db8::1');
    assert.equal(address(request('::ffff:127.0.0.1', '203.0.113.1')), '203.0.113.1');
  });

  it('reads hops with ports, in brackets, or over repeated headers', () => {
    const address = addressWith('127.0.0.1');
    assert.equal(address(request('127.0.0.1', '203.0.113.1:4711')), '203.0.113.1');
    assert.equal(address(request('127.0.0.1', '[2001:db8::1]:4711')), '2001:db8::1');
    assert.equal(address(request('127.0.0.1', ' 198.51.100.66 ,  203.0.113.1 ')), '203.0.113.1');
  });

  it('stops at the last hop it knows when every hop is trusted, or one is not an address', () => {
    const address = addressWith('127.0.0.1, 10.0.0.0/8');
    assert.equal(address(request('127.0.0.1')), '127.0.0.1', 'no header: the proxy itself');
    assert.equal(address(request('127.0.0.1', '10.0.0.3, 10.0.0.2')), '10.0.0.3');
    assert.equal(address(request('127.0.0.1', 'unknown, 10.0.0.2')), '10.0.0.2');
    assert.equal(address(request('127.0.0.1', '')), '127.0.0.1');
  });

  it('refuses a TRUST_PROXY entry that is not an address or CIDR', () => {
    for (const bad of ['proxy.internal', '10.0.0.0/33', '::/129', '10.0.0.1/8/8', '10.0.0.1,,10.0.0.2', '10.0.0.0/x']) {
      assert.throws(
        () => loadConfig({ TRUST_PROXY: bad }),
        (error: unknown) => error instanceof ConfigError && error.problems.some((problem) => problem.startsWith('TRUST_PROXY: ')),
        bad,
      );
    }
  });
});
