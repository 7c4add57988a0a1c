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

  it('refuses a default page larger than the maximum', () => {
    assert.throws(() => loadConfig({ MAX_PAGE_SIZE: '10', DEFAULT_PAGE_SIZE: '20' }), ConfigError);
  });
});
