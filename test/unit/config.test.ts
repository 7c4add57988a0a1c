import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DEV_JWT_SECRET, loadConfig } from '../../src/config/config.js';

describe('config', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 4000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.logLevel, 'info');
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.jwtSecret, DEV_JWT_SECRET);
    assert.equal(config.usingDevSecret, true);
    assert.equal(config.limits.maxPageSize, 100);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.limits));
  });

  it('treats empty values as unset', () => {
    assert.equal(loadConfig({ REDIS_URL: '', PORT: '' }).port, 4000);
  });

  it('reports every bad key at once', () => {
    assert.throws(
      () => loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud', REDIS_URL: 'http://x', NODE_ENV: 'production', MAX_PAGE_SIZE: '500' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const keys = error.problems.map((problem) => problem.split(':')[0]);
        assert.deepEqual(new Set(keys), new Set(['PORT', 'LOG_LEVEL', 'REDIS_URL', 'JWT_SECRET', 'MAX_PAGE_SIZE']));
        return true;
      },
    );
  });

  it('requires a real secret in production and accepts one', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), ConfigError);
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-length' });
    assert.equal(config.usingDevSecret, false);
  });

  it('refuses the published development secret unless NODE_ENV=development', () => {
    for (const nodeEnv of ['production', 'test', undefined]) {
      assert.throws(
        () => loadConfig({ NODE_ENV: nodeEnv, JWT_SECRET: DEV_JWT_SECRET }),
        (error: unknown) => error instanceof ConfigError && error.problems.some((problem) => problem.startsWith('JWT_SECRET: is the public development secret')),
        `NODE_ENV=${nodeEnv}`,
      );
    }
    assert.equal(loadConfig({ NODE_ENV: 'development', JWT_SECRET: DEV_JWT_SECRET }).usingDevSecret, true);
    assert.equal(loadConfig({ NODE_ENV: 'test' }).usingDevSecret, true, 'unset outside production: the default, with a warning');
  });

  it('exposes internals only with NODE_ENV=development and a loopback HOST', () => {
    assert.equal(loadConfig({}).exposeInternals, false, 'NODE_ENV unset');
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', 'LOCALHOST']) {
      assert.equal(loadConfig({ NODE_ENV: 'development', HOST: host }).exposeInternals, true, host);
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'example.internal']) {
      assert.equal(loadConfig({ NODE_ENV: 'development', HOST: host }).exposeInternals, false, host);
    }
    assert.equal(loadConfig({ NODE_ENV: 'test' }).exposeInternals, false);
  });

  it('refuses a default page larger than the maximum', () => {
    assert.throws(() => loadConfig({ MAX_PAGE_SIZE: '10', DEFAULT_PAGE_SIZE: '20' }), ConfigError);
  });

  it('reads ALLOWED_ORIGINS as serialized origins, and refuses anything that is not one', () => {
    assert.equal(loadConfig({}).allowedOrigins, undefined, 'unset: any origin');
    assert.deepEqual(loadConfig({ ALLOWED_ORIGINS: 'https://app.example, HTTP://Localhost:5173/,https://app.example:443' }).allowedOrigins, [
      'https://app.example',
      'http://localhost:5173',
    ]);
    for (const bad of ['https://app.example/path', '*', 'app.example', 'ftp://app.example', 'https://app.example?x=1', 'https://user@app.example', 'https://a.example,,https://b.example']) {
      assert.throws(
        () => loadConfig({ ALLOWED_ORIGINS: bad }),
        (error: unknown) => error instanceof ConfigError && error.problems.some((problem) => problem.startsWith('ALLOWED_ORIGINS: ')),
        bad,
      );
    }
  });

  it('reads the connection limits', () => {
    const { limits } = loadConfig({ MAX_CONNECTIONS_PER_USER: '3', MAX_SUBSCRIPTIONS_PER_CONNECTION: '7', RATE_LIMIT_CONNECTIONS: '5/2' });
    assert.equal(limits.maxConnectionsPerUser, 3);
    assert.equal(limits.maxSubscriptionsPerConnection, 7);
    assert.deepEqual(limits.connectionAttempts, { points: 5, durationSec: 2 });
    assert.throws(() => loadConfig({ MAX_CONNECTIONS_PER_USER: '0' }), ConfigError);
    assert.throws(() => loadConfig({ RATE_LIMIT_CONNECTIONS: '5' }), ConfigError);
    assert.deepEqual(loadConfig({}).limits.connectionAttempts, { points: 300, durationSec: 10 }, 'sized for a reconnect storm');
  });

  it('reads TRUST_PROXY as addresses and networks, none by default', () => {
    assert.deepEqual(loadConfig({}).trustedProxies, []);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.7, 10.0.0.0/8,fd00::/8' }).trustedProxies, [
      { address: '10.0.0.7', prefix: 32, family: 'ipv4' },
      { address: '10.0.0.0', prefix: 8, family: 'ipv4' },
      { address: 'fd00::', prefix: 8, family: 'ipv6' },
    ]);
  });
});
