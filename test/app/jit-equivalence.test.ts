// GRAPHQL_JIT and trusted documents change no answer: the same operations, in the same order, against
// an app that runs the trusted documents on graphql-jit and one that runs everything on graphql-js, give
// the same data and the same errors (codes, messages, paths), over HTTP (by text and by trusted-document
// id) and over graphql-ws. Values that differ between any two apps (ids, times, cursors) are compared by
// where they first appeared, so a reference to the same room or message still has to match.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DestinationStream } from 'pino';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { composeEngine } from '../../src/engine/compose-engine.js';
import { createMemoryRealtime } from '../../src/engine/memory/memory-realtime.js';
import { createMemoryStore } from '../../src/engine/memory/memory-store.js';
import { systemClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { createJitSelector } from '../../src/transport/plugins/use-jit.js';
import { loadTrustedDocuments } from '../../src/transport/plugins/use-trusted-documents.js';
import { gql } from '../helpers/graphql-http.js';
import { TEST_ENV } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { connectWs } from '../helpers/ws-client.js';
import { parse } from 'graphql';

const trusted = loadTrustedDocuments();
const byName = (name: string): { id: string; text: string } => {
  const found = [...trusted].find(([, text]) => new RegExp(`\\b(query|mutation|subscription) ${name}\\b`).test(text));
  if (!found) throw new Error(`no trusted document named ${name}`);
  return { id: found[0], text: found[1] };
};

// A message body that makes the store fail with an error that is not ours: masked as INTERNAL_SERVER_ERROR.
const FAILING_BODY = 'the store fails on this one';

interface Running {
  url: string;
  wsUrl: string;
  stop(): Promise<void>;
}

const startApp = async (jit: boolean): Promise<Running> => {
  // Five messages per user and window, so that bob's burst at the end is RATE_LIMITED.
  const config = loadConfig({ ...TEST_ENV, GRAPHQL_JIT: String(jit), RATE_LIMIT_MESSAGES: '5/600' });
  const destination: DestinationStream = { write: () => undefined };
  const logger = createLogger('silent', destination);
  const store = createMemoryStore();
  const append = store.messages.append.bind(store.messages);
  store.messages.append = (input) => (input.body === FAILING_BODY ? Promise.reject(new Error('disk on fire')) : append(input));
  const engine = composeEngine(store, createMemoryRealtime());
  const app = createApp({ config, engine, clock: systemClock, logger });
  const { port } = await app.listen();
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    stop: async () => {
      await app.close();
      await engine.close();
    },
  };
};

const VOLATILE_KEYS = new Set(['id', 'roomId', 'cursor', 'startCursor', 'endCursor', 'headCursor', 'cursorAt', 'createdAt', 'serverTime']);

/** The answer with each volatile value replaced by the order in which it first appeared in the run. */
const normalizer = () => {
  const seen = new Map<unknown, string>();
  const walk = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) return value.map((item) => walk(item));
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    // A wait depends on when the request came.
    if (key === 'retryAfterMs') return '<ms>';
    if (key === 'message' && typeof value === 'string') return value.replace(/retry in \d+ ms/, 'retry in <ms> ms');
    if (key !== undefined && VOLATILE_KEYS.has(key) && value !== null) {
      if (!seen.has(value)) seen.set(value, `<${key} ${seen.size}>`);
      return seen.get(value);
    }
    return value;
  };
  return walk;
};

type Answer = { label: string; status?: number; body: unknown };

/** Every operation of the comparison, in order, against one app. */
const runScenario = async (app: Running): Promise<Answer[]> => {
  const alice = await tokenFor('alice', 'Alice');
  const bob = await tokenFor('bob', 'Bob');
  const normalize = normalizer();
  const answers: Answer[] = [];
  const http = async (label: string, name: string, variables: Record<string, unknown>, options: { token?: string; byId?: boolean } = {}) => {
    const { id, text } = byName(name);
    const response = await fetch(app.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: JSON.stringify(
        options.byId
          ? { operationName: name, variables, extensions: { persistedQuery: { version: 1, sha256Hash: id } } }
          : { operationName: name, query: text, variables },
      ),
    });
    const body = (await response.json()) as { data?: unknown };
    answers.push({ label, status: response.status, body: normalize(body) });
    return body;
  };

  const created = (await http('createRoom', 'CreateRoom', { input: { name: '  equivalence ', private: true, memberIds: ['bob'] } }, { token: alice })) as {
    data: { createRoom: { id: string } };
  };
  const roomId = created.data.createRoom.id;
  await http('viewer', 'Viewer', {}, { token: alice });
  await http('sendMessage', 'SendMessage', { input: { roomId, body: ' first ', clientId: 'c-1' } }, { token: alice });
  await http('sendMessage by id', 'SendMessage', { input: { roomId, body: 'second' } }, { token: bob, byId: true });
  await http('sendMessage again with the same clientId', 'SendMessage', { input: { roomId, body: 'first', clientId: 'c-1' } }, { token: alice });
  await http('messages', 'Messages', { roomId, first: 10 }, { token: bob });
  await http('messages, last page by id', 'Messages', { roomId, last: 1 }, { token: alice, byId: true });
  await http('room', 'Room', { id: roomId }, { token: bob });
  await http('rooms', 'Rooms', { first: 5 }, { token: alice });
  await http('joinRoom', 'JoinRoom', { roomId }, { token: bob });
  // Errors: ours (coded by services), GraphQL's own (variable coercion), and a masked one.
  await http('NOT_FOUND', 'SendMessage', { input: { roomId: 'room_missing', body: 'hello' } }, { token: alice });
  await http('FORBIDDEN or NOT_FOUND: a private room', 'Room', { id: roomId }, { token: await tokenFor('carol') });
  await http('BAD_USER_INPUT: empty body', 'SendMessage', { input: { roomId, body: '   ' } }, { token: alice });
  await http('BAD_USER_INPUT: body too long', 'SendMessage', { input: { roomId, body: 'x'.repeat(4_001) } }, { token: alice });
  await http('BAD_USER_INPUT: a required variable missing', 'SendMessage', {}, { token: alice });
  await http('BAD_USER_INPUT: a variable of the wrong type', 'Messages', { roomId, first: 'ten' }, { token: alice });
  await http('BAD_USER_INPUT: an unknown input field', 'SendMessage', { input: { roomId: 'room_any', body: 'x', colour: 'red' } }, { token: alice });
  await http('BAD_USER_INPUT: a cursor that is not one', 'Messages', { roomId, after: 'not-a-cursor' }, { token: alice });
  await http('masked internal error', 'SendMessage', { input: { roomId, body: FAILING_BODY } }, { token: alice });
  await http('UNAUTHENTICATED', 'Viewer', {});
  await http('a query of another document: graphql-js in both', 'Viewer', {}, { token: alice });

  // The same over graphql-ws: queries and mutations run through the same envelop execute.
  const ws = connectWs(app.wsUrl, bob);
  try {
    const once = async (label: string, name: string, variables: Record<string, unknown>) => {
      const live = ws.subscribe<unknown>(byName(name).text, variables);
      await live.waitForComplete();
      answers.push({ label: `graphql-ws: ${label}`, body: normalize({ payloads: live.payloads, errors: live.errors }) });
    };
    await once('sendMessage', 'SendMessage', { input: { roomId, body: 'over the socket' } });
    await once('NOT_FOUND', 'SendMessage', { input: { roomId: 'room_missing', body: 'hello' } });
    await once('BAD_USER_INPUT: a required variable missing', 'SendMessage', {});
    await once('masked internal error', 'SendMessage', { input: { roomId, body: FAILING_BODY } });
    await once('messages', 'Messages', { roomId, first: 100 });
  } finally {
    await ws.dispose();
  }
  // bob has sent 4 messages (one over HTTP, three over graphql-ws): the 6th and later are refused.
  for (let i = 0; i < 4; i += 1) await http(`RATE_LIMITED, send ${i}`, 'SendMessage', { input: { roomId, body: `burst ${i}` } }, { token: bob });
  return answers;
};

describe('graphql-jit and trusted documents change no answer', () => {
  let withJit: Running;
  let withoutJit: Running;
  before(async () => {
    [withJit, withoutJit] = await Promise.all([startApp(true), startApp(false)]);
  });
  after(() => Promise.all([withJit.stop(), withoutJit.stop()]));

  it('the same operations give the same data and the same errors with GRAPHQL_JIT=true and =false', async () => {
    const jitAnswers = await runScenario(withJit);
    const plainAnswers = await runScenario(withoutJit);
    assert.equal(jitAnswers.length, plainAnswers.length);
    for (const [index, answer] of jitAnswers.entries()) assert.deepEqual(answer, plainAnswers[index], answer.label);
    // The scenario covers what it says it does.
    const codes: string[] = JSON.stringify(plainAnswers).match(/"code":"[A-Z_]+"/g) ?? [];
    for (const code of ['NOT_FOUND', 'BAD_USER_INPUT', 'RATE_LIMITED', 'INTERNAL_SERVER_ERROR', 'UNAUTHENTICATED']) {
      assert.ok(codes.includes(`"code":"${code}"`), `the scenario produced ${code}`);
    }
  });

  it('runs the trusted queries and mutations on graphql-jit, and nothing else', () => {
    const isHot = createJitSelector(new Set(trusted.values()));
    const documentOf = (text: string) => parse(text);
    assert.equal(isHot(documentOf(byName('SendMessage').text)), true);
    assert.equal(isHot(documentOf(byName('Messages').text)), true);
    // Subscriptions stay on graphql-js (their events over graphql-ws are executed there anyway).
    assert.equal(isHot(documentOf(byName('MessageAdded').text)), false);
    // Any other text, even the same operation spaced differently (GraphiQL, ad-hoc clients).
    assert.equal(isHot(documentOf(`${byName('SendMessage').text} `)), false);
    assert.equal(isHot(documentOf('query { viewer { id } }')), false);
  });
});
