// Webhooks against real server processes and a real receiver on 127.0.0.1: signed per Standard Webhooks
// (verified with the standardwebhooks library), at least once, webhook-id stable across retries, seq
// order per room, admins only, SSRF refusals; with PostgreSQL, a kill -9 of a delivering instance
// loses nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gql, gqlData, gqlErrorCode } from '../helpers/graphql-http.js';
import { createRoom, sendMessage } from '../helpers/operations.js';
import { createDatabase, startPostgres, type PostgresServer } from '../helpers/postgres-server.js';
import { kill9 } from '../helpers/server-kill.js';
import { startServer, type ServerEnv, type ServerProcess } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const ADMIN = 'admin';
const WEBHOOK_ENV: ServerEnv = {
  ADMIN_USER_IDS: ` someone-else , ${ADMIN},`,
  WEBHOOK_ALLOW_PRIVATE_URLS: 'true', // the receiver listens on 127.0.0.1
  WEBHOOK_RETRY_BASE_MS: '10', // the least allowed: ten attempts of the FAILED test wait ~5-8 s in all
  WEBHOOK_TIMEOUT_MS: '1000',
};

const CREATE = 'mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret webhook { id url roomIds createdAt } } }';

const createWebhook = async (url: string, token: string, input: { url: string; roomIds: string[] }) =>
  (await gqlData<{ createWebhook: { secret: string; webhook: { id: string; url: string; roomIds: string[] } } }>(url, { token, query: CREATE, variables: { i: input } }))
    .createWebhook;

// Fails the first attempt of every third message (by order of first arrival).
const everyThirdFailsOnce = (_id: string, firstAttempt: boolean, index: number) => firstAttempt && index % 3 === 2;

/** Sends `perRoom` messages into each room, the rooms in parallel; the ids of the messages, per room in order. */
const sendAll = async (server: ServerProcess, token: string, roomIds: string[], perRoom: number): Promise<Map<string, string[]>> => {
  const sent = new Map<string, string[]>();
  await Promise.all(
    roomIds.map(async (roomId) => {
      const ids: string[] = [];
      sent.set(roomId, ids);
      for (let i = 1; i <= perRoom; i++) ids.push((await sendMessage(server.url, token, { roomId, body: `m${i}` })).id);
    }),
  );
  return sent;
};

/** What every run must show, whatever happened to the instances on the way. */
const assertDelivered = (receiver: WebhookReceiver, sent: Map<string, string[]>, failedFirst: number) => {
  const all = [...sent.values()].flat();
  const requests = receiver.requests;
  assert.deepEqual(requests.filter((r) => r.verified !== true).map((r) => r.verified), [], 'every request verifies with standardwebhooks');
  const acknowledged = new Set(requests.filter((r) => r.status < 300).map((r) => r.message?.id));
  assert.deepEqual(all.filter((id) => !acknowledged.has(id)), [], 'every message arrived (and was answered 2xx) at least once');
  // One webhook-id per message, and one message per webhook-id: retries keep theirs, messages differ.
  const idByMessage = new Map<string, string>();
  for (const request of requests) {
    assert.ok(request.message, 'every body carries data.message');
    const known = idByMessage.get(request.message.id);
    assert.ok(known === undefined || known === request.webhookId, `message ${request.message.id} came with one webhook-id`);
    idByMessage.set(request.message.id, request.webhookId);
  }
  assert.equal(new Set(idByMessage.values()).size, all.length, 'a different webhook-id for every message');
  const retried = requests.filter((r) => r.status >= 300).map((r) => r.webhookId);
  assert.ok(retried.length >= failedFirst, `at least ${failedFirst} first attempts were failed on purpose (got ${retried.length})`);
  for (const id of retried) {
    assert.ok(requests.some((r) => r.webhookId === id && r.status < 300), `the failed ${id} was retried with the same webhook-id and arrived`);
  }
  // Per room, the seqs arrive in order: a repeat is only ever of the seq just before (a retry).
  for (const [roomId, ids] of sent) {
    const seqs = requests.filter((r) => r.message?.roomId === roomId).map((r) => r.message?.seq ?? 0);
    for (let i = 1; i < seqs.length; i++) {
      assert.ok((seqs[i] ?? 0) >= (seqs[i - 1] ?? 0), `room ${roomId} arrived in seq order: ${seqs.join(',')}`);
    }
    assert.equal(Math.max(...seqs), ids.length);
  }
};

describe('webhooks (memory store)', () => {
  let server: ServerProcess;
  let admin: string;
  before(async () => {
    server = await startServer({ env: WEBHOOK_ENV });
    admin = await tokenFor(ADMIN, 'Admin');
  });
  after(() => server.stop());

  it('delivers every message at least once, signed, with webhook-id stable across retries, in seq order per room', async (t) => {
    const receiver = await startWebhookReceiver({ fails: everyThirdFailsOnce });
    t.after(() => receiver.close());
    const rooms = [await createRoom(server.url, admin, { name: 'a' }), await createRoom(server.url, admin, { name: 'b' })];
    const created = await createWebhook(server.url, admin, { url: receiver.url, roomIds: rooms.map((r) => r.id) });
    assert.match(created.secret, /^whsec_/);
    assert.deepEqual(created.webhook.roomIds, rooms.map((r) => r.id));
    receiver.secret = created.secret;
    const sent = await sendAll(server, admin, rooms.map((r) => r.id), 15);
    await waitFor(() => new Set(receiver.acknowledged()).size === 30, { timeoutMs: 20_000, what: () => `30 deliveries (have ${new Set(receiver.acknowledged()).size})` });
    assertDelivered(receiver, sent, 10);
    const body = JSON.parse(receiver.requests[0]?.body ?? '{}') as { type?: string };
    assert.equal(body.type, 'message.created');
    const listed = await gqlData<{ webhooks: { id: string; deliveries: unknown[] }[] }>(server.url, {
      token: admin,
      query: '{ webhooks { id deliveries(status: FAILED) { id } } }',
    });
    assert.deepEqual(listed.webhooks.filter((w) => w.id === created.webhook.id), [{ id: created.webhook.id, deliveries: [] }]);
    const deleted = await gqlData<{ deleteWebhook: { id: string } }>(server.url, { token: admin, query: 'mutation($id: ID!) { deleteWebhook(id: $id) { id } }', variables: { id: created.webhook.id } });
    assert.equal(deleted.deleteWebhook.id, created.webhook.id);
  });

  it('records a delivery as FAILED for admins after the last attempt, and the next message still goes', async (t) => {
    const failing = new Set<string>();
    const receiver = await startWebhookReceiver({ fails: (id, first) => (first && failing.size === 0 ? (failing.add(id), true) : failing.has(id)) });
    t.after(() => receiver.close());
    const room = await createRoom(server.url, admin, { name: 'f' });
    const created = await createWebhook(server.url, admin, { url: receiver.url, roomIds: [room.id] });
    receiver.secret = created.secret;
    await sendMessage(server.url, admin, { roomId: room.id, body: 'never answered well' });
    await sendMessage(server.url, admin, { roomId: room.id, body: 'next' });
    const query = 'query { webhooks { id deliveries(status: FAILED) { id seq status attempts lastError } } }';
    const failed = await waitFor(
      async () => {
        const data = await gqlData<{ webhooks: { id: string; deliveries: { id: string; seq: number; status: string; attempts: number; lastError: string }[] }[] }>(server.url, { token: admin, query });
        return data.webhooks.find((w) => w.id === created.webhook.id)?.deliveries[0];
      },
      { timeoutMs: 20_000, what: 'a FAILED delivery' },
    );
    assert.deepEqual({ ...failed, id: undefined }, { id: undefined, seq: 1, status: 'FAILED', attempts: 10, lastError: 'HTTP 500' });
    assert.equal(receiver.requests.filter((r) => r.webhookId === failed.id).length, 10, 'WEBHOOK_MAX_ATTEMPTS (default 10) attempts');
    await waitFor(() => receiver.requests.some((r) => r.message?.seq === 2 && r.status < 300), { timeoutMs: 10_000, what: 'seq 2 delivered after seq 1 failed for good' });
  });

  it('lets only admins manage webhooks (FORBIDDEN)', async () => {
    const user = await tokenFor('not-an-admin');
    const room = await createRoom(server.url, user, { name: 'mine' });
    assert.equal(await gqlErrorCode(server.url, { token: user, query: '{ webhooks { id } }' }), 'FORBIDDEN');
    assert.equal(await gqlErrorCode(server.url, { token: user, query: CREATE, variables: { i: { url: 'https://partner.example/', roomIds: [room.id] } } }), 'FORBIDDEN');
    assert.equal(await gqlErrorCode(server.url, { token: user, query: 'mutation { deleteWebhook(id: "wh_x") { id } }' }), 'FORBIDDEN');
    assert.equal(await gqlErrorCode(server.url, { token: admin, query: 'mutation { deleteWebhook(id: "wh_x") { id } }' }), 'NOT_FOUND');
  });
});

describe('webhooks: server-side request forgery', () => {
  let server: ServerProcess;
  let admin: string;
  before(async () => {
    server = await startServer({ env: { ADMIN_USER_IDS: ADMIN } });
    admin = await tokenFor(ADMIN, 'Admin');
  });
  after(() => server.stop());

  it('refuses URLs that are not http(s), or whose host is or resolves to a loopback, private or link-local address', async () => {
    const room = await createRoom(server.url, admin, { name: 'r' });
    for (const url of [
      'ftp://partner.example/hook',
      'file:///etc/passwd',
      'not a url',
      'http://127.0.0.1:9/hook',
      'http://localhost:9/hook',
      'http://[::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://[::ffff:a9fe:a9fe]/latest/meta-data',
      'http://169.254.169.254/latest/meta-data',
      'http://10.1.2.3/',
      'http://192.168.0.1/',
      'http://172.16.0.1/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
      'http://0.0.0.0/',
      'http://2130706433/', // 127.0.0.1 as one number: WHATWG URL parsing makes it 127.0.0.1
    ]) {
      const { body } = await gql(server.url, { token: admin, query: CREATE, variables: { i: { url, roomIds: [room.id] } } });
      assert.equal(body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', `${url}: ${JSON.stringify(body)}`);
    }
  });
});

describe('webhooks (PostgreSQL): a kill -9 of a delivering instance loses no delivery', () => {
  let postgres: PostgresServer;
  let databaseUrl: string;
  before(async () => {
    postgres = await startPostgres();
    databaseUrl = await createDatabase(postgres);
  });
  after(() => postgres.stop());

  it('two instances deliver each once; after one is killed mid-way, the others deliver the rest', async (t) => {
    const receiver = await startWebhookReceiver({ fails: everyThirdFailsOnce, delayMs: 15 });
    t.after(() => receiver.close());
    const env = { ...WEBHOOK_ENV, DATABASE_URL: databaseUrl };
    const a = await startServer({ env });
    t.after(() => a.stop());
    const b = await startServer({ env });
    t.after(() => b.stop());
    const admin = await tokenFor(ADMIN, 'Admin');
    const rooms = await Promise.all(['x', 'y', 'z'].map((name) => createRoom(a.url, admin, { name })));
    const created = await createWebhook(a.url, admin, { url: receiver.url, roomIds: rooms.map((r) => r.id) });
    receiver.secret = created.secret;
    const sent = await sendAll(a, admin, rooms.map((r) => r.id), 20);
    await waitFor(() => new Set(receiver.acknowledged()).size >= 15, { timeoutMs: 20_000, what: '15 deliveries before the kill' });
    const beforeKill = receiver.acknowledged();
    assert.equal(new Set(beforeKill).size, beforeKill.length, 'while both instances ran, no delivery was acknowledged twice');
    await kill9(a);
    const c = await startServer({ env });
    t.after(() => c.stop());
    await waitFor(() => new Set(receiver.acknowledged()).size === 60, { timeoutMs: 30_000, what: () => `60 deliveries (have ${new Set(receiver.acknowledged()).size})` });
    assertDelivered(receiver, sent, 20);
    // At least once: only what the killed instance had in flight (one per room at most) may come twice.
    const acknowledged = receiver.acknowledged();
    assert.ok(acknowledged.length - new Set(acknowledged).size <= rooms.length, `duplicates: ${acknowledged.length - new Set(acknowledged).size}`);
  });
});
