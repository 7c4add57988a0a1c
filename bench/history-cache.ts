// 304s per second against full pages per second on the same history page (CONTRACT.md "Partner
// history over HTTP"), in one run on one in-process server: the ratio is what a partner's cache saves
// the server. Both arms run the query (the ETag is the answer's hash); a 304 saves the body's transfer.
//   npx tsx bench/history-cache.ts [--seconds 5] [--concurrency 8] [--out bench/results/history-cache.json]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { signToken } from '../src/auth/jwt.js';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { createMemoryEngine } from '../src/engine/memory/memory-engine.js';
import { systemClock } from '../src/lib/clock.js';
import { round } from './stats.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '8' },
    out: { type: 'string', default: 'bench/results/history-cache.json' },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);

const secret = 'bench-secret-0123456789abcdef';
const config = loadConfig({
  PORT: '0',
  JWT_SECRET: secret,
  ADMIN_USER_IDS: 'admin',
  RATE_LIMIT_MESSAGES: '100000/1',
  RATE_LIMIT_KEY_READS: '999999/1',
  METRICS_ENABLED: 'false',
});
const engine = createMemoryEngine();
const app = createApp({ config, engine, clock: systemClock, logger: pino({ level: 'silent' }) });
const { url } = await app.listen();

const call = async <T>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: T; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
};

const admin = await signToken({ secret, userId: 'admin' });
const { createRoom } = await call<{ createRoom: { id: string } }>(admin, 'mutation { createRoom(input: { name: "bench" }) { id } }');
// 150 messages of ~200 characters; the measured page is the first 100 (below the head, so final).
for (let i = 0; i < 150; i++) {
  await call(admin, 'mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }', {
    input: { roomId: createRoom.id, body: `message ${i} `.padEnd(200, 'x') },
  });
}
const { createApiKey } = await call<{ createApiKey: { secret: string } }>(admin, 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }', {
  input: { name: 'bench', scopes: ['HISTORY_READ'], roomIds: [createRoom.id] },
});
const query = 'query($roomId: ID!) { messages(roomId: $roomId, first: 100) { edges { cursor node { id seq author { id name } body createdAt } } pageInfo { hasNextPage endCursor } } }';
const pageUrl = `${url}?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify({ roomId: createRoom.id }))}`;
const headers = { authorization: `Bearer ${createApiKey.secret}`, accept: 'application/graphql-response+json' };
const first = await fetch(pageUrl, { headers });
const etag = first.headers.get('etag') ?? '';
const pageBytes = (await first.arrayBuffer()).byteLength;
if (first.headers.get('cache-control')?.includes('max-age') !== true) throw new Error('the page is not final');

const arm = async (name: string, extra: Record<string, string>, expected: number) => {
  let done = 0;
  const endAt = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < endAt) {
      const response = await fetch(pageUrl, { headers: { ...headers, ...extra } });
      await response.arrayBuffer();
      if (response.status !== expected) throw new Error(`${name}: status ${response.status}`);
      done++;
    }
  };
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { name, requests: done, perSecond: round(done / ((performance.now() - startedAt) / 1000)) };
};

// Warm-up, then each arm once; the order alternates nothing away, so both run after the same warm-up.
await arm('warm-up', {}, 200);
const full = await arm('full pages (200)', {}, 200);
const notModified = await arm('not modified (304)', { 'if-none-match': etag }, 304);
await app.close();
await engine.close();

const result = {
  bench: 'history-cache',
  date: new Date().toISOString(),
  node: process.version,
  seconds,
  concurrency,
  pageMessages: 100,
  pageBytes,
  fullPerSecond: full.perSecond,
  notModifiedPerSecond: notModified.perSecond,
  ratio: round(notModified.perSecond / full.perSecond),
};
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
