import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_OPERATION_ID_LENGTH, refusalOf } from '../../src/transport/client-message-guard.js';

const DEPTH = 4;
const nested = (levels: number): unknown => (levels === 0 ? 1 : { a: nested(levels - 1) });

describe('client message guard', () => {
  it('refuses message types only a server sends', () => {
    for (const type of ['connection_ack', 'next', 'error']) assert.ok(refusalOf(JSON.stringify({ type, id: '1', payload: {} }), DEPTH), type);
  });

  it('refuses operation ids over the bound, and passes one at it', () => {
    const subscribe = (id: string) => JSON.stringify({ type: 'subscribe', id, payload: { query: '{ serverTime }' } });
    assert.ok(refusalOf(subscribe('i'.repeat(MAX_OPERATION_ID_LENGTH + 1)), DEPTH));
    assert.equal(refusalOf(subscribe('i'.repeat(MAX_OPERATION_ID_LENGTH)), DEPTH), undefined);
  });

  it('refuses payloads nested past the bound on every frame but subscribe, whose variables get a coded error instead', () => {
    for (const type of ['connection_init', 'ping', 'pong']) {
      assert.ok(refusalOf(JSON.stringify({ type, payload: nested(DEPTH + 1) }), DEPTH), type);
      assert.equal(refusalOf(JSON.stringify({ type, payload: nested(DEPTH) }), DEPTH), undefined, type);
    }
    assert.equal(refusalOf(JSON.stringify({ type: 'subscribe', id: '1', payload: { query: '{ serverTime }', variables: nested(DEPTH + 5) } }), DEPTH), undefined);
  });

  it('leaves everything else to graphql-ws, which validates it', () => {
    for (const text of ['{"type":"connection_init"}', '{"type":"ping"}', '{"id":"1","type":"complete"}', 'not json', '5', 'null', '[]', '{"type":"nonsense"}']) {
      assert.equal(refusalOf(text, DEPTH), undefined, text);
    }
  });
});
