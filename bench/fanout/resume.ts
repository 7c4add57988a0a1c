// Resume cost: one subscriber that missed N messages resubscribes with its cursor; how long until all N
// arrived over graphql-ws.
import WebSocket from 'ws';

export const measureResume = async (port: number, token: string, count: number) => {
  const url = `http://127.0.0.1:${port}/graphql`;
  const call = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return ((await response.json()) as { data: Record<string, Record<string, string>> }).data;
  };
  const roomId = (await call('mutation { createRoom(input: { name: "resume" }) { id } }', {}))['createRoom']?.['id'];
  const first = (await call('mutation($r: ID!) { sendMessage(input: { roomId: $r, body: "first" }) { cursor } }', { r: roomId }))['sendMessage']?.['cursor'];
  const send = 'mutation($r: ID!, $b: String!) { sendMessage(input: { roomId: $r, body: $b }) { seq } }';
  for (let i = 0; i < count; i += 50) await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, j) => call(send, { r: roomId, b: `missed ${i + j}` })));

  const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
  let received = 0;
  let started = 0;
  const elapsedMs = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`resume got ${received} of ${count}`)), 60_000);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text.includes('"connection_ack"')) {
        started = performance.now();
        socket.send(JSON.stringify({ id: 'r', type: 'subscribe', payload: { query: 'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { seq } }', variables: { r: roomId, a: first } } }));
        return;
      }
      if (text.includes('"type":"next"')) received += 1;
      if (received === count) {
        clearTimeout(timer);
        resolve(performance.now() - started);
      }
    });
  });
  socket.terminate();
  return { missedMessages: count, replayMs: Math.round(elapsedMs) };
};
