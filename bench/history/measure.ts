// The history figures of one target, measured from outside over HTTP and graphql-ws, one request at a time
// (latency, not throughput). Every cursor comes from the API itself: the big room is read once from start
// to end (which is a figure too), and pages at random positions then start after cursors it returned.
import WebSocket from 'ws';
import { percentiles, round } from '../stats.js';
import { seededRandom } from '../../test/helpers/seeded-random.js';
import { BIG_ROOM, busyRoomId, type HistoryShape } from './shape.js';

export interface HistoryOptions {
  port: number;
  tokens: { reader: string; few: string; none: string };
  shape: HistoryShape;
  samples: number;
  resumeMessages: number;
  resumeRuns: number;
  log: (line: string) => void;
}

type Latency = ReturnType<typeof percentiles>;
const summary = (values: number[]): Latency => {
  const { p50, p90, p99, max, count } = percentiles(values);
  return { p50: round(p50), p90: round(p90), p99: round(p99), max: round(max), count };
};

interface Page {
  edges: { cursor: string; node: { seq: number } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

interface RoomPage {
  edges: { cursor: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const HISTORY = `query($r: ID!, $first: Int, $after: String, $last: Int) {
  messages(roomId: $r, first: $first, after: $after, last: $last) {
    edges { cursor node { id seq body createdAt author { id name } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const ROOMS = `query($first: Int, $after: String) {
  rooms(first: $first, after: $after) { edges { cursor node { id name private } } pageInfo { hasNextPage endCursor } }
}`;

export const measureHistory = async (options: HistoryOptions) => {
  const { port, tokens, shape, samples, log } = options;
  const url = `http://127.0.0.1:${port}/graphql`;
  const random = seededRandom(16);

  /** One request; resolves with its data and how long it took (request sent to answer parsed), in ms. */
  const call = async <T>(token: string, query: string, variables: Record<string, unknown>): Promise<{ data: T; ms: number }> => {
    const started = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown }; // checked just below
    const ms = performance.now() - started;
    if (!body.data || body.errors) throw new Error(`${JSON.stringify(body.errors)} for ${JSON.stringify(variables)}`);
    return { data: body.data, ms };
  };
  const page = (roomId: string, args: Record<string, unknown>) => call<{ messages: Page }>(tokens.reader, HISTORY, { r: roomId, ...args });

  // 1. The big room from start to end, 100 at a time, keeping every page's end cursor.
  const cursorsBySeq = new Map<number, string>();
  const crawlStarted = performance.now();
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const { data } = await page(BIG_ROOM, { first: 100, after });
    pages += 1;
    const last = data.messages.edges.at(-1);
    if (last) cursorsBySeq.set(last.node.seq, last.cursor);
    if (!data.messages.pageInfo.hasNextPage) break;
    after = data.messages.pageInfo.endCursor;
  }
  const crawlMs = performance.now() - crawlStarted;
  if (cursorsBySeq.size * 100 < shape.bigRoomMessages) throw new Error(`the crawl found ${cursorsBySeq.size} pages`);
  const crawl = { messages: shape.bigRoomMessages, pages, seconds: round(crawlMs / 1000, 1), messagesPerSecond: Math.round(shape.bigRoomMessages / (crawlMs / 1000)) };
  log(`crawl: ${JSON.stringify(crawl)}`);

  // 2. Pages of 50 after a random cursor of the big room.
  const bigCursors = [...cursorsBySeq.values()];
  const bigRoomPage: number[] = [];
  for (let i = 0; i < samples; i++) {
    const { data, ms } = await page(BIG_ROOM, { first: 50, after: random.pick(bigCursors) });
    if (data.messages.edges.length === 0) throw new Error('an empty page in the big room');
    bigRoomPage.push(ms);
  }

  // 3. Random rooms of the busy ones: the newest page (what opening a room asks for), not read before;
  // then, in other random rooms, a page of 50 after the cursor of the room's first message (read first).
  const busyNewest: number[] = [];
  for (let i = 0; i < samples; i++) {
    const { data, ms } = await page(busyRoomId(random.int(1, shape.busyRooms)), { last: 50 });
    if (data.messages.edges.length === 0) throw new Error('an empty busy room');
    busyNewest.push(ms);
  }
  const busyAfter: number[] = [];
  for (let i = 0; i < samples; i++) {
    const roomId = busyRoomId(random.int(1, shape.busyRooms));
    const first = (await page(roomId, { first: 1 })).data.messages.edges[0];
    if (!first) throw new Error(`${roomId} is empty`);
    const { ms } = await page(roomId, { first: 50, after: first.cursor });
    busyAfter.push(ms);
  }

  // 4. Resume: a subscriber that missed the big room's last `resumeMessages` messages subscribes after
  // the cursor it held; time from subscribe to the last of them.
  const resumeSeq = shape.bigRoomMessages - options.resumeMessages;
  const resumeCursor = cursorsBySeq.get(resumeSeq);
  if (!resumeCursor) throw new Error(`no cursor at seq ${resumeSeq} (resume messages must be a multiple of 100)`);
  const resumeRunsMs: number[] = [];
  for (let run = 0; run < options.resumeRuns; run++) {
    resumeRunsMs.push(await resume(port, tokens.reader, resumeCursor, options.resumeMessages));
  }
  const resumeFigures = { missedMessages: options.resumeMessages, runsMs: resumeRunsMs.map((ms) => Math.round(ms)), medianMs: Math.round(summary(resumeRunsMs).p50) };
  log(`resume: ${JSON.stringify(resumeFigures)}`);

  // 5. rooms(first: 20): the first page and pages after random cursors of the directory, for a user with a
  // few private rooms and for one with none (the public directory alone).
  const roomCursors: string[] = [];
  for (let afterRoom: string | null = null; ; ) {
    const { data }: { data: { rooms: RoomPage } } = await call<{ rooms: RoomPage }>(tokens.none, ROOMS, { first: 100, after: afterRoom });
    const last = data.rooms.edges.at(-1);
    if (last) roomCursors.push(last.cursor);
    if (!data.rooms.pageInfo.hasNextPage) break;
    afterRoom = data.rooms.pageInfo.endCursor;
  }
  const roomsLatency = async (token: string, withCursor: boolean) => {
    const values: number[] = [];
    for (let i = 0; i < samples; i++) {
      const { ms } = await call(token, ROOMS, { first: 20, after: withCursor ? random.pick(roomCursors) : null });
      values.push(ms);
    }
    return summary(values);
  };
  const fewFirstPage = await call<{ rooms: { edges: { node: { private: boolean } }[] } }>(tokens.few, ROOMS, { first: 20 });
  if (fewFirstPage.data.rooms.edges.length !== 20) throw new Error('rooms(first: 20) returned a short page');
  const rooms = {
    publicRoomsPaged: roomCursors.length,
    fewFirstPage: await roomsLatency(tokens.few, false),
    fewAfterCursor: await roomsLatency(tokens.few, true),
    noneFirstPage: await roomsLatency(tokens.none, false),
    noneAfterCursor: await roomsLatency(tokens.none, true),
  };

  return {
    crawl,
    bigRoomPageAfterCursor: summary(bigRoomPage),
    busyRoomNewestPage: summary(busyNewest),
    busyRoomPageAfterCursor: summary(busyAfter),
    resume: resumeFigures,
    rooms,
  };
};

/** Subscribes with `after` over graphql-ws; resolves with ms from subscribe to the `count`th message. */
const resume = (port: number, token: string, after: string, count: number) =>
  new Promise<number>((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
    let received = 0;
    let started = 0;
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`resume got ${received} of ${count}`));
    }, 120_000);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { type: string; payload?: unknown }; // graphql-ws frames
      if (message.type === 'connection_ack') {
        started = performance.now();
        const query = 'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { id seq body createdAt author { id name } } }';
        socket.send(JSON.stringify({ id: 'r', type: 'subscribe', payload: { query, variables: { r: BIG_ROOM, a: after } } }));
        return;
      }
      if (message.type === 'error' || message.type === 'complete') {
        clearTimeout(timer);
        socket.terminate();
        reject(new Error(`resume ended after ${received}: ${JSON.stringify(message.payload)}`));
        return;
      }
      if (message.type !== 'next') return;
      received += 1;
      if (received === count) {
        const ms = performance.now() - started;
        clearTimeout(timer);
        socket.terminate();
        resolve(ms);
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
