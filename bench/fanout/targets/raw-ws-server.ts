// The limit: a raw `ws` server that broadcasts one pre-serialized frame to every socket of a room.
// Clients connect to /?room=<id>; POST /publish {"roomId","body"} broadcasts {"seq","body"}, and so does a
// WebSocket message {"id","roomId","body"} (answered {"id","seq"}) for runs that publish over WebSockets.
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const rooms = new Map<string, Set<WebSocket>>();
const seqs = new Map<string, number>();
const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/publish') {
    res.writeHead(404).end();
    return;
  }
  let raw = '';
  req.setEncoding('utf8').on('data', (chunk: string) => (raw += chunk));
  req.on('end', () => {
    const { roomId, body } = JSON.parse(raw) as { roomId: string; body: string };
    const seq = broadcast(roomId, body);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ seq }));
  });
});
const wss = new WebSocketServer({ server });
wss.on('connection', (socket, req) => {
  const roomId = new URL(req.url ?? '/', 'http://x').searchParams.get('room') ?? '';
  let members = rooms.get(roomId);
  if (!members) rooms.set(roomId, (members = new Set()));
  members.add(socket);
  socket.send('{"type":"ready"}');
  socket.on('message', (data: Buffer) => {
    const { id, roomId: target, body } = JSON.parse(data.toString()) as { id: number; roomId: string; body: string };
    socket.send(JSON.stringify({ id, seq: broadcast(target, body) }));
  });
  socket.on('close', () => members?.delete(socket));
});
const broadcast = (roomId: string, body: string): number => {
  const seq = (seqs.get(roomId) ?? 0) + 1;
  seqs.set(roomId, seq);
  const frame = JSON.stringify({ seq, body });
  for (const socket of rooms.get(roomId) ?? []) socket.send(frame);
  return seq;
};
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
