// Refreshes docs/demo.png, the README's picture of the demo: a real server, two users in a room, a few
// messages, one of them typing, the countdown running; and docs/demo-sign-in.png, the page before signing
// in (the sign-in card alone). `npm run demo:screenshot` (builds first).
import { fileURLToPath } from 'node:url';
import { startServer } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait-for.js';
import { launchChromium } from './helpers/chromium.js';
import { assertDemoBuilt, demoUrl, testId } from './helpers/demo.js';

const OUT = fileURLToPath(new URL('../../docs/demo.png', import.meta.url));
const SIGN_IN_OUT = fileURLToPath(new URL('../../docs/demo-sign-in.png', import.meta.url));

assertDemoBuilt();
const server = await startServer();
const chromium = await launchChromium();
try {
  const aliceContext = await chromium.browser.newContext({ viewport: { width: 1100, height: 720 }, deviceScaleFactor: 1 });
  const bobContext = await chromium.browser.newContext({ viewport: { width: 1100, height: 720 } });
  const alice = await aliceContext.newPage();
  await alice.goto(await demoUrl(server.port, 'alice', 'Alice'));
  await testId(alice, 'room-name-input').fill('Friday quiz');
  await testId(alice, 'create-room-form').locator('button').click();
  await testId(alice, 'room-id').filter({ hasText: /\S/ }).waitFor();
  const roomId = (await testId(alice, 'room-id').textContent()) ?? '';
  const bob = await bobContext.newPage();
  await bob.goto(await demoUrl(server.port, 'bob', 'Bob', roomId));
  await testId(bob, 'composer').waitFor();

  const say = async (page: typeof alice, body: string) => {
    await testId(page, 'composer').fill(body);
    await testId(page, 'composer').press('Enter');
  };
  await say(alice, 'Welcome! First question: what is the capital of Australia?');
  await testId(alice, 'countdown-duration').selectOption('30000');
  await testId(alice, 'countdown-start').click();
  await say(bob, 'Sydney?');
  await say(alice, 'Close, but no. 20 seconds left!');
  await testId(bob, 'composer').pressSequentially('Canber');
  await waitFor(async () => (await testId(alice, 'typing').textContent())?.includes('Bob'), { timeoutMs: 5_000, what: 'alice sees bob typing' });
  await waitFor(async () => (await testId(alice, 'messages').locator('li[data-status="sent"]').count()) === 3, { timeoutMs: 5_000, what: 'three messages' });
  // A few ticks in, so the picture shows the countdown running.
  await waitFor(async () => Number(await testId(alice, 'countdown').getAttribute('data-remaining-ms')) <= 27_000, { timeoutMs: 10_000, what: 'a few ticks' });
  await alice.screenshot({ path: OUT });
  console.log(`wrote ${OUT}`);

  const visitorContext = await chromium.browser.newContext({ viewport: { width: 1100, height: 480 }, deviceScaleFactor: 1 });
  const visitor = await visitorContext.newPage();
  await visitor.goto(`http://127.0.0.1:${server.port}/demo/`);
  await testId(visitor, 'sign-in-form').waitFor();
  await visitor.screenshot({ path: SIGN_IN_OUT });
  console.log(`wrote ${SIGN_IN_OUT}`);
} finally {
  await chromium.close();
  await server.stop();
}
