// Counts the round trips a published message costs on PostgreSQL + Redis: every command redis-server
// executes (MONITOR; a Lua script's own commands are listed under it) and every statement PostgreSQL
// executes (log_statement = all), while one subscriber listens and messages are sent one at a time over
// HTTP. Background upkeep (the timer scheduler, the webhook worker's poll) is counted too, and named.
//   npm run bench:round-trips [-- --messages 50 --rooms 1]  (messages go round-robin over the rooms, one subscriber each)
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startSharedStack } from '../test/helpers/shared-stack.js';
import { startServer } from '../test/helpers/server-process.js';
import { createRoom, sendMessage } from '../test/helpers/operations.js';
import { tokenFor } from '../test/helpers/tokens.js';
import { connectWs } from '../test/helpers/ws-client.js';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '50' }, rooms: { type: 'string', default: '1' } } });
const messages = Number(values.messages);
const roomCount = Number(values.rooms);

const tally = (keys: string[]): [string, number][] => {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
};

const print = (title: string, keys: string[]): void => {
  console.log(`${title}: ${(keys.length / messages).toFixed(2)} per message`);
  for (const [key, count] of tally(keys)) console.log(`  ${(count / messages).toFixed(2)}  ${key}`);
};

// A prepared statement is logged by its name, a simple one by its text.
const STATEMENT_LINE = /LOG:\s+(?:statement|execute ([^:]+)):\s*(.*)$/;

const stack = await startSharedStack();
try {
  const server = await startServer({ env: { ...stack.env } });
  const token = await tokenFor('alice');
  const rooms: { id: string }[] = [];
  for (let i = 0; i < roomCount; i += 1) rooms.push(await createRoom(server.url, token, { name: `round trips ${i}` }));
  const ws = connectWs(server.wsUrl, token);
  for (const room of rooms) ws.subscribe('subscription ($roomId: ID!) { messageAdded(roomId: $roomId) { id } }', { roomId: room.id });
  const roomOf = (i: number) => rooms[i % rooms.length]?.id ?? '';
  // Warm: prepared statements, caches, the subscribers' room streams.
  for (let i = 0; i < Math.max(10, roomCount); i += 1) await sendMessage(server.url, token, { roomId: roomOf(i), body: `warm ${i}` });
  const admin = new pg.Client({ connectionString: stack.postgres.url });
  admin.on('error', () => undefined);
  await admin.connect();
  await admin.query("ALTER SYSTEM SET log_statement = 'all'");
  await admin.query('SELECT pg_reload_conf()');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const redis = new Redis(stack.redis.url);
  const monitor = await redis.monitor();
  monitor.on('error', () => undefined);
  const commands: string[] = [];
  monitor.on('monitor', (_time: string, args: string[]) => commands.push(`${args[0]?.toLowerCase()} ${(args[1] ?? '').replace(/room_[\w-]+/, 'room_…')}`));
  const logFrom = stack.postgres.output().length;
  for (let i = 0; i < messages; i += 1) await sendMessage(server.url, token, { roomId: roomOf(i), body: `message ${i}` });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const statements = stack.postgres
    .output()
    .slice(logFrom)
    .split('\n')
    .map((line) => STATEMENT_LINE.exec(line))
    .flatMap((match) => (match ? [match[1] ?? match[2]?.slice(0, 80) ?? '?'] : []))
    .filter((statement) => !statement.startsWith('SELECT pg_reload_conf'));
  print('Redis commands', commands);
  print('PostgreSQL statements', statements);
  await admin.query('ALTER SYSTEM RESET log_statement');
  await admin.end();
  monitor.disconnect();
  redis.disconnect();
  await ws.dispose();
  await server.stop();
} finally {
  await stack.stop();
}
