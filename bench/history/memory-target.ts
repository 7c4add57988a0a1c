// The memory engine holding the history benchmark's store: a bench-only composition root (as src/main.ts
// with no DATABASE_URL), seeded through the store interface before it listens, since a million messages
// over HTTP would take longer than the benchmark. Run by bench/history/run.ts, bundled by esbuild:
//   node .bench-build/memory-target.js '<shape JSON>'   (configuration from the environment, as main.ts)
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createMemoryEngine } from '../../src/engine/memory/memory-engine.js';
import type { MessageStore } from '../../src/engine/types.js';
import { systemClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import {
  BIG_ROOM,
  PUBLIC_OWNER,
  SEEDED_AT_MS,
  authorOf,
  bodyOf,
  busyRoomId,
  clientIdOf,
  createdAtOf,
  fewRoomIndexes,
  quietRoomCount,
  quietRoomId,
  quietRoomIsPrivate,
  quietRoomOwner,
  type HistoryShape,
} from './shape.js';

const shape = JSON.parse(process.argv[2] ?? '{}') as HistoryShape; // written by run.ts from the same type
const config = loadConfig(process.env);
const logger = createLogger(config.logLevel);
const engine = createMemoryEngine();

const append = (messages: MessageStore, roomId: string, seq: number, createdAt: number) => {
  const author = authorOf(seq);
  return messages.append({ roomId, authorId: author.id, authorName: author.name, body: bodyOf(seq), clientId: clientIdOf(seq), createdAt });
};

const startedAt = performance.now();
const few = new Set(fewRoomIndexes(shape));
const room = (id: string, name: string, isPrivate: boolean, ownerId: string, memberIds: string[], offset: number) =>
  engine.rooms.create({ id, name, private: isPrivate, ownerId, memberIds, createdAt: SEEDED_AT_MS + offset });
await room(BIG_ROOM, 'big', false, PUBLIC_OWNER, [], 0);
for (let seq = 1; seq <= shape.bigRoomMessages; seq++) await append(engine.messages, BIG_ROOM, seq, createdAtOf(shape, 'big', seq));
for (let index = 1; index <= shape.busyRooms; index++) await room(busyRoomId(index), `busy ${index}`, false, PUBLIC_OWNER, [], index);
for (let seq = 1; seq <= shape.messagesPerBusyRoom; seq++) {
  for (let index = 1; index <= shape.busyRooms; index++) await append(engine.messages, busyRoomId(index), seq, createdAtOf(shape, index, seq));
}
for (let index = 1; index <= quietRoomCount(shape); index++) {
  await room(quietRoomId(index), `quiet ${index}`, quietRoomIsPrivate(index), quietRoomOwner(index), few.has(index) ? ['few'] : [], index);
}
logger.info({ ms: Math.round(performance.now() - startedAt) }, 'seeded');

const app = createApp({ config, engine, clock: systemClock, logger });
const { port, url } = await app.listen();
logger.info({ port, url, engine: engine.kind }, 'listening');
logger.flush();

process.on('SIGTERM', () => {
  void app
    .close({ deadlineAt: systemClock.now() + 5_000 })
    .then(() => engine.close())
    .then(() => process.exit(0));
});
