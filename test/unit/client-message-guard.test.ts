import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_OPERATION_ID_LENGTH, refusalOf } from '../../src/transport/client-message-guard.js';

describe('client message guard', () => {
  it('refuses message types only a server sends', () => {
    for (const type of ['connection_ack', 'next', 'error']) assert.ok(refusalOf(JSON.stringify({ type, id: '1', payload: {} })), type);
  });

  it('refuses operation ids over the bound, and passes one at it', () => {
    const subscribe = (id: string) => JSON.stringify({ type: 'subscribe', id, payload: { query: '{ serverTime }' } });
    assert.ok(refusalOf(subscribe('i'.repeat(MAX_OPERATION_ID_LENGTH + 1))));
    assert.equal(refusalOf(subscribe('i'.repeat(MAX_OPERATION_ID_LENGTH))), undefined);
  });

  it('leaves everything else to graphql-ws, which validates it', () => {
    for (const text of ['{"type":"connection_init"}', '{"type":"ping"}', '{"id":"1","type":"complete"}', 'not json', '5', 'null', '[]', '{"type":"nonsense"}']) {
      assert.equal(refusalOf(text), undefined, text);
    }
  });
});
