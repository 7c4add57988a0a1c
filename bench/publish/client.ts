// The load side of bench/publish/profile.ts, in a process of its own so that its CPU is not the
// server's: one keep-alive connection, `sendMessage` after `sendMessage`, each sent when the last answered.
import { Agent, request } from 'node:http';

interface Job {
  url: string;
  token: string;
  /** Request bodies, sent in turn. */
  bodies: string[];
  count: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

const post = (url: string, token: string, body: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          authorization: `Bearer ${token}`,
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`${res.statusCode}: ${text}`))));
      },
    );
    req.once('error', reject);
    req.end(body);
  });

const run = async ({ url, token, bodies, count }: Job): Promise<void> => {
  for (let i = 0; i < count; i += 1) {
    const answer = await post(url, token, bodies[i % bodies.length] ?? '');
    if (answer.includes('"errors"')) throw new Error(`the publish failed: ${answer}`);
  }
};

process.on('message', (job: Job) => {
  run(job).then(
    () => process.send?.({ done: true }),
    (error: unknown) => process.send?.({ error: String(error) }),
  );
});
process.on('disconnect', () => agent.destroy());
