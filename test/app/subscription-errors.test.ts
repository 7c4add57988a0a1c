// A subscription's error looks the same on every transport: graphql-ws, SSE and a plain HTTP request carry
// the same code, and mask (or show) an unexpected error's message the same way, in production and in
// development alike.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startServer, type AppFixture } from '../helpers/app-fixture.js';
import { gql } from '../helpers/graphql-http.js';
import { createRoom } from '../helpers/operations.js';
import { subscribeSse } from '../helpers/sse-client.js';
import { tokenFor } from '../helpers/tokens.js';
import { connectWs } from '../helpers/ws-client.js';

interface SeenError {
  code: unknown;
  message: unknown;
}

const QUERY = 'subscription ($roomId: ID!) { messageAdded(roomId: $roomId) { id } }';

const firstError = (errors: readonly unknown[] | undefined): SeenError | undefined => {
  const first = errors?.[0];
  if (typeof first !== 'object' || first === null) return undefined;
  const { message, extensions } = first as { message?: unknown; extensions?: { code?: unknown } }; // a GraphQL error's shape, checked below
  return { code: extensions?.code, message };
};

/** The first GraphQL error each transport reports for `roomId`. */
const errorsOnEveryTransport = async (server: AppFixture, token: string, roomId: unknown) => {
  const ws = connectWs(server.wsUrl, token);
  try {
    const live = ws.subscribe(QUERY, { roomId });
    await live.waitForComplete().catch(() => undefined);
    const wsError = firstError(live.payloads.find((payload) => payload.errors)?.errors) ?? firstError(live.errors.flat());
    const sse = subscribeSse(server.url, token, { query: QUERY, variables: { roomId } });
    await sse.waitForEnd();
    sse.dispose();
    const sseError = firstError(sse.payloads.find((payload) => payload.errors)?.errors) ?? firstError(sse.refusals[0]?.errors);
    const http = await gql(server.url, { query: QUERY, variables: { roomId }, token });
    return { 'graphql-ws': wsError, sse: sseError, http: firstError(http.body.errors) };
  } finally {
    await ws.dispose();
  }
};

/** graphql-ws reported `code`, and SSE and HTTP reported exactly what graphql-ws did. */
const assertSameOnEveryTransport = (seen: Awaited<ReturnType<typeof errorsOnEveryTransport>>, code: string): void => {
  assert.equal(seen['graphql-ws']?.code, code, JSON.stringify(seen));
  assert.deepEqual(seen.sse, seen['graphql-ws'], JSON.stringify(seen));
  assert.deepEqual(seen.http, seen['graphql-ws'], JSON.stringify(seen));
};

for (const nodeEnv of ['production', 'development'] as const) {
  describe(`subscription errors, NODE_ENV=${nodeEnv}`, () => {
    it('a coded error carries its code and message on graphql-ws, SSE and HTTP', async (t) => {
      const server = await startServer({ env: { NODE_ENV: nodeEnv } });
      t.after(() => server.stop());
      const token = await tokenFor('alice');
      const seen = await errorsOnEveryTransport(server, token, 'no-such-room');
      assertSameOnEveryTransport(seen, 'NOT_FOUND');
    });

    it('variables that do not fit the document are BAD_USER_INPUT on graphql-ws, SSE and HTTP', async (t) => {
      const server = await startServer({ env: { NODE_ENV: nodeEnv } });
      t.after(() => server.stop());
      const seen = await errorsOnEveryTransport(server, await tokenFor('alice'), { not: 'an id' });
      assertSameOnEveryTransport(seen, 'BAD_USER_INPUT');
    });

    it('an unexpected error is masked the same way on graphql-ws, SSE and HTTP', async (t) => {
      const server = await startServer({ env: { NODE_ENV: nodeEnv } });
      t.after(() => server.stop());
      const token = await tokenFor('alice');
      const room = await createRoom(server.url, token, { name: 'errors' });
      // A failure no service means to throw: what a bug would look like.
      server.app.services.roomEvents.open = () => Promise.reject(new Error('secret internals'));
      const seen = await errorsOnEveryTransport(server, token, room.id);
      assertSameOnEveryTransport(seen, 'INTERNAL_SERVER_ERROR');
      if (nodeEnv === 'production') assert.doesNotMatch(String(seen['graphql-ws']?.message), /secret/);
    });
  });
}
