// What users compare Roomcast with: a Socket.IO 4 server with rooms. Clients connect with `?room=<id>` and
// are joined to it; POST /publish {"roomId","body"} emits `message` {"seq","body"} to the room, and so does a
// `publish` event {"roomId","body"} (acknowledged with {"seq"}) for runs that publish over WebSockets.
//   REDIS_URL     the Redis adapter (@socket.io/redis-adapter on ioredis): instances share rooms through Redis
//   DATABASE_URL  the stack Roomcast replaces: every message is first one INSERT into Roomcast's own
//                 `messages` table (the runner migrated it), its seq taken from `rooms.last_seq` in the same
//                 statement, as src/engine/postgres/postgres-messages.ts does; emitted once committed
// Without either, the in-memory adapter and a per-room counter in the process.
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Server } from 'socket.io';

const redisUrl = process.env['REDIS_URL'];
const databaseUrl = process.env['DATABASE_URL'];

// Roomcast's append without its idempotency and webhook-outbox parts, which this stack does not have.
const INSERT_SQL = `WITH next AS (
                      UPDATE rooms SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq
                    )
                    INSERT INTO messages (room_id, seq, author_id, author_name, body, client_id, created_at)
                    SELECT $1, next.last_seq, $2, $3, $4, NULL, $5 FROM next
                    RETURNING seq`;
// The same pool size as Roomcast's default (DATABASE_POOL_SIZE).
const pool = databaseUrl ? new pg.Pool({ connectionString: databaseUrl, max: 10 }) : undefined;
const seqs = new Map<string, number>();
const nextSeq = async (roomId: string, body: string): Promise<number> => {
  if (!pool) {
    const seq = (seqs.get(roomId) ?? 0) + 1;
    seqs.set(roomId, seq);
    return seq;
  }
  const { rows } = await pool.query<{ seq: string }>({ name: 'append', text: INSERT_SQL, values: [roomId, 'bench', 'bench', body, Date.now()] });
  if (!rows[0]) throw new Error(`no room ${roomId}`);
  return Number(rows[0].seq);
};

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/publish') {
    res.writeHead(404).end();
    return;
  }
  let raw = '';
  req.setEncoding('utf8').on('data', (chunk: string) => (raw += chunk));
  req.on('end', () => {
    const { roomId, body } = JSON.parse(raw) as { roomId: string; body: string };
    publish(roomId, body).then(
      (seq) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ seq })),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
});
const io = new Server(server, { serveClient: false });
if (redisUrl) io.adapter(createAdapter(new Redis(redisUrl), new Redis(redisUrl)));

const publish = async (roomId: string, body: string): Promise<number> => {
  const seq = await nextSeq(roomId, body);
  io.to(roomId).emit('message', { seq, body });
  return seq;
};

io.on('connection', (socket) => {
  const room = socket.handshake.query['room'];
  if (typeof room === 'string') void socket.join(room);
  socket.on('publish', ({ roomId, body }: { roomId: string; body: string }, ack: (answer: { seq?: number; error?: string }) => void) => {
    publish(roomId, body).then(
      (seq) => ack({ seq }),
      (error: unknown) => ack({ error: String(error) }),
    );
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
