// The typed client as another project gets it: `npm pack` this repository, install the tarball into an
// empty project, and from there import `roomcast/client` with plain node (no tsx, no bundler): it must
// connect to a real server, subscribe, and receive a message. Its declarations must type-check too.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { removeOnExit } from '../helpers/exit-cleanup.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const STEP_TIMEOUT_MS = 180_000;

// Plain JavaScript, as a consumer writes it: Node 20 has no global WebSocket, so `ws` is passed in.
const CONSUMER = `
import WebSocket from 'ws';
import { createRoomcastClient, ErrorCode } from 'roomcast/client';

const [url, aliceToken, bobToken] = process.argv.slice(2);
const alice = createRoomcastClient({ url, token: aliceToken, webSocketImpl: WebSocket });
const bob = createRoomcastClient({ url, token: bobToken, webSocketImpl: WebSocket });
const timeout = setTimeout(() => { console.error('no message within 20 s'); process.exit(1); }, 20_000);

const room = await alice.createRoom({ name: 'From the tarball' });
const session = await bob.openRoom(room.id);
const received = new Promise((resolve) => session.onMessage((message) => resolve(message)));
await alice.sendMessage({ roomId: room.id, body: 'hello through roomcast/client' });
const message = await received;
clearTimeout(timeout);
console.log(JSON.stringify({ body: message.body, author: message.author.name, seq: message.seq, notFound: ErrorCode.NotFound }));
await Promise.all([alice.close(), bob.close()]);
`;

// The same import from TypeScript: the exports map's "types" must lead to declarations that compile.
const TYPED_CONSUMER = `
import { createRoomcastClient, type RoomcastClient, type TimelineEntry } from 'roomcast/client';
const client: RoomcastClient = createRoomcastClient({ url: 'http://127.0.0.1:4000/graphql', token: 't' });
export const bodies = async (roomId: string): Promise<string[]> =>
  (await client.openRoom(roomId)).timeline.get().map((entry: TimelineEntry) => entry.body);
`;

describe('the client as a package', () => {
  let server: ServerProcess;
  let project: string;
  before(async () => {
    server = await startServer();
    project = mkdtempSync(join(tmpdir(), 'roomcast-consumer-'));
    removeOnExit(project);
  });
  after(async () => {
    await server?.stop();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('npm pack, install the tarball elsewhere, import roomcast/client from plain node: subscribes and receives a message', async () => {
    // prepack builds dist-client/ (tsc -p client/tsconfig.build.json).
    await run('npm', ['pack', '--pack-destination', project, '--silent'], { cwd: root, timeout: STEP_TIMEOUT_MS });
    const tarball = readdirSync(project).find((name) => name.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack wrote a tarball');
    const listing = (await run('tar', ['-tzf', join(project, tarball)])).stdout.split('\n');
    assert.ok(listing.includes('package/dist-client/client/index.js'), 'the tarball holds the built client');
    assert.ok(listing.includes('package/dist-client/client/index.d.ts'), 'and its declarations');
    assert.ok(!listing.some((path) => path.startsWith('package/src/') || path.startsWith('package/test/')), 'and no sources or tests');

    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // From npm's cache when it has everything (it does after `npm ci` here), from the registry otherwise.
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', `./${tarball}`, 'ws'], {
      cwd: project,
      timeout: STEP_TIMEOUT_MS,
    });
    writeFileSync(join(project, 'consumer.mjs'), CONSUMER);
    const { stdout } = await run(process.execPath, ['consumer.mjs', server.url, await tokenFor('alice', 'Alice'), await tokenFor('bob', 'Bob')], {
      cwd: project,
      timeout: 30_000,
    });
    assert.deepEqual(JSON.parse(stdout.trim()), { body: 'hello through roomcast/client', author: 'Alice', seq: 1, notFound: 'NOT_FOUND' });

    writeFileSync(join(project, 'consumer.ts'), TYPED_CONSUMER);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, lib: ['ES2023', 'DOM'], types: [] },
        files: ['consumer.ts'],
      }),
    );
    await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: project, timeout: 60_000 }).catch(
      (error: { stdout?: string }) => assert.fail(`the declarations do not compile in a consumer:\n${error.stdout ?? String(error)}`),
    );
  });
});
