// Webhook pieces that need no server process: which addresses are refused, the retry schedule, and the
// address check repeated at delivery (a host that resolved to a public address at createWebhook and
// resolves to loopback later is refused then, and nothing is sent).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { createMemoryEngine } from '../../src/engine/memory/memory-engine.js';
import { ErrorCode, RoomcastError } from '../../src/errors/index.js';
import { systemClock } from '../../src/lib/clock.js';
import { createServices } from '../../src/services/index.js';
import { isPublicAddress } from '../../src/services/webhooks/address-policy.js';
import { MAX_RETRY_DELAY_MS, retryDelayMs } from '../../src/services/webhooks/retry-delay.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

describe('webhooks: address policy', () => {
  it('refuses loopback, private, link-local, unique-local, unspecified and mapped forms of them', () => {
    for (const address of [
      '127.0.0.1', '127.1.2.3', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1', '169.254.169.254', '0.0.0.0',
      '100.64.0.1', '224.0.0.1', '255.255.255.255', '::1', '::', 'fd12:3456::1', 'fc00::1', 'fe80::1', 'ff02::1',
      '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '0:0:0:0:0:ffff:10.0.0.1', 'not-an-ip',
    ]) {
      assert.equal(isPublicAddress(address), false, address);
    }
  });

  it('allows public addresses', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '192.169.0.1', '2606:2800:220:1::1', '::ffff:8.8.8.8']) {
      assert.equal(isPublicAddress(address), true, address);
    }
  });
});

describe('webhooks: retry schedule', () => {
  it('starts at the base, doubles per attempt, adds up to half again of jitter, and is capped', () => {
    assert.equal(retryDelayMs(1, 1_000, () => 0), 1_000);
    assert.equal(retryDelayMs(2, 1_000, () => 0), 2_000);
    assert.equal(retryDelayMs(4, 1_000, () => 0), 8_000);
    assert.equal(retryDelayMs(4, 1_000, () => 0.999_999), 12_000);
    assert.equal(retryDelayMs(60, 1_000, () => 0), MAX_RETRY_DELAY_MS);
    const draws = new Set(Array.from({ length: 20 }, () => retryDelayMs(3, 1_000)));
    assert.ok(draws.size > 1, 'jitter varies');
    assert.ok([...draws].every((ms) => ms >= 4_000 && ms <= 6_000));
  });
});

describe('webhooks: the address is checked again at delivery', () => {
  it('refuses to deliver once the host resolves to loopback, sends nothing, and records why', async (t) => {
    const receiver = await startWebhookReceiver();
    t.after(() => receiver.close());
    let resolvesTo = '93.184.216.34';
    const engine = createMemoryEngine();
    const config = loadConfig({ ADMIN_USER_IDS: 'admin', WEBHOOK_RETRY_BASE_MS: '10' });
    const services = createServices({
      engine,
      clock: systemClock,
      limits: config.limits,
      adminUserIds: config.adminUserIds,
      webhooks: config.webhooks,
      resolve: async () => [{ address: resolvesTo, family: 4 }],
      onError: (error) => {
        throw error;
      },
    });
    t.after(() => services.stop());
    const admin = { userId: 'admin', name: 'Admin' };
    const room = await services.rooms.create(admin.userId, { name: 'r' });
    // The receiver's port, behind a name that "resolves" as this test says.
    const url = receiver.url.replace('127.0.0.1', 'partner.test');
    const { webhook } = await services.webhooks.create(admin.userId, { url, roomIds: [room.id] });
    resolvesTo = '127.0.0.1';
    await services.start();
    await services.messages.send(admin, { roomId: room.id, body: 'hello' });
    const [pending] = await waitFor(async () => {
      const deliveries = await services.webhooks.deliveries(admin.userId, webhook.id, 'PENDING', 10);
      return deliveries[0]?.lastError ? deliveries : undefined;
    }, { what: 'a refused attempt' });
    assert.match(pending?.lastError ?? '', /127\.0\.0\.1.*loopback, private or link-local/);
    assert.deepEqual(receiver.requests, []);
    await assert.rejects(services.webhooks.create(admin.userId, { url, roomIds: [room.id] }), (error: unknown) => error instanceof RoomcastError && error.code === ErrorCode.BadUserInput);
  });
});
