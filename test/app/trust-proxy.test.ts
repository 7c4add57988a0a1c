// Per-IP limits behind a proxy (issue 15, item 10). The WebSocket upgrade budget (RATE_LIMIT_CONNECTIONS)
// counts the client's address, the last untrusted hop: X-Forwarded-For is believed only from the proxies
// TRUST_PROXY names, and only to the right of the first address that is not one of them. The default
// budget lets a reconnect storm from one address through.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type AppFixture } from '../helpers/app-fixture.js';
import { tryUpgrade } from '../helpers/upgrade.js';

const from = (forwardedFor: string) => ({ headers: { 'x-forwarded-for': forwardedFor } });

const statuses = async (wsUrl: string, count: number, options: Parameters<typeof tryUpgrade>[1] = {}): Promise<number[]> => {
  const answers: number[] = [];
  for (let i = 0; i < count; i++) answers.push((await tryUpgrade(wsUrl, options)).status);
  return answers;
};

describe('per-IP connection attempts without TRUST_PROXY', () => {
  let server: AppFixture;
  before(async () => {
    server = await startServer({ env: { RATE_LIMIT_CONNECTIONS: '3/600' } });
  });
  after(() => server?.stop());

  it('counts the TCP peer: a forged X-Forwarded-For changes nothing', async () => {
    assert.deepEqual(
      [
        (await tryUpgrade(server.wsUrl, from('203.0.113.1'))).status,
        (await tryUpgrade(server.wsUrl, from('203.0.113.2'))).status,
        (await tryUpgrade(server.wsUrl, from('203.0.113.3'))).status,
      ],
      [101, 101, 101],
    );
    assert.equal((await tryUpgrade(server.wsUrl, from('203.0.113.4'))).status, 429, 'a new forwarded address is the same peer');
    assert.equal((await tryUpgrade(server.wsUrl)).status, 429);
  });
});

describe('per-IP connection attempts with TRUST_PROXY', () => {
  let server: AppFixture;
  before(async () => {
    // The test's own connections come from 127.0.0.1: it plays the proxy; 10.0.0.0/8 is a proxy tier behind it.
    server = await startServer({ env: { RATE_LIMIT_CONNECTIONS: '2/600', TRUST_PROXY: '127.0.0.1,10.0.0.0/8' } });
  });
  after(() => server?.stop());

  it('gives each forwarded client its own budget, and a forged left-most entry changes nothing', async () => {
    assert.deepEqual(await statuses(server.wsUrl, 2, from('203.0.113.1')), [101, 101]);
    assert.equal((await tryUpgrade(server.wsUrl, from('203.0.113.1'))).status, 429, 'client A is over its budget');
    assert.equal((await tryUpgrade(server.wsUrl, from('203.0.113.2'))).status, 101, 'client B has its own');
    assert.equal((await tryUpgrade(server.wsUrl, from('2001:db8::1'))).status, 101, 'an IPv6 client has its own');

    // Client A prepends addresses of its choosing; the proxy appends the address A connected from.
    assert.equal((await tryUpgrade(server.wsUrl, from('198.51.100.9, 203.0.113.1'))).status, 429);
    assert.equal((await tryUpgrade(server.wsUrl, from('198.51.100.10, 203.0.113.1, 10.1.2.3'))).status, 429, 'through two trusted proxies');
    assert.equal((await tryUpgrade(server.wsUrl, from('203.0.113.1, 10.1.2.3'))).status, 429);
    assert.deepEqual(await statuses(server.wsUrl, 2, from('203.0.113.1, 10.1.2.3, 10.9.9.9')), [429, 429]);
  });
});

describe('the default RATE_LIMIT_CONNECTIONS', () => {
  let server: AppFixture;
  before(async () => {
    server = await startServer({ env: { RATE_LIMIT_CONNECTIONS: undefined } });
  });
  after(() => server?.stop());

  it('lets a reconnect storm of 300 sockets from one address through in one window, and refuses the next', async () => {
    const answers: number[] = [];
    // Twenty at a time, as a NAT full of clients reconnecting after a deploy would.
    for (let batch = 0; batch < 15; batch++) {
      answers.push(...(await Promise.all(Array.from({ length: 20 }, async () => (await tryUpgrade(server.wsUrl)).status))));
    }
    assert.deepEqual(
      answers.filter((status) => status !== 101),
      [],
      `${answers.filter((status) => status === 101).length} of 300 accepted`,
    );
    assert.equal((await tryUpgrade(server.wsUrl)).status, 429, 'the budget still ends');
  });
});
