// Typed clients for the client's own tests: real graphql-ws over `ws`, real fetch, short backoff so a
// reconnect takes milliseconds, every one closed after its test.
import type { TestContext } from 'node:test';
import WebSocket from 'ws';
import { createRoomcastClient, type RoomcastClient, type RoomcastClientOptions } from '../../../client/index.js';
import { tokenFor } from '../../helpers/tokens.js';

export const FAST_BACKOFF = { baseMs: 20, maxMs: 200 };

export const clientFor = async (
  t: TestContext,
  url: string,
  userId: string,
  options: Partial<RoomcastClientOptions> = {},
): Promise<RoomcastClient> => {
  const client = createRoomcastClient({
    url,
    token: await tokenFor(userId, userId[0]?.toUpperCase() + userId.slice(1)),
    webSocketImpl: WebSocket,
    backoff: FAST_BACKOFF,
    ...options,
  });
  t.after(() => client.close());
  return client;
};
