// The quiz-room page in real browsers: two users (two browser contexts, one chromium) in one room see
// each other's messages, typing and presence, the same countdown second, and lose no message when one
// page's network is cut and restored.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { waitFor } from '../helpers/wait-for.js';
import { demoSuite, demoUrl, newPage, testId } from './helpers/demo.js';

const WAIT_MS = 10_000;

const texts = (page: Page, selector: string) => page.locator(selector).allTextContents();
const messageBodies = (page: Page, status = 'sent') => texts(page, `[data-testid="messages"] li[data-status="${status}"] .body`);
const onlineNames = (page: Page) => texts(page, '[data-testid="online"] li');

const send = async (page: Page, body: string) => {
  await testId(page, 'composer').fill(body);
  await testId(page, 'composer').press('Enter');
};

describe('quiz-room page', () => {
  const demo = demoSuite();

  /** Alice creates a room through the page, Bob opens it by link; both pages are in the room. */
  const twoInARoom = async (t: TestContext, roomName: string) => {
    const errors: string[] = [];
    const aliceContext = await demo.chromium.browser.newContext();
    const bobContext = await demo.chromium.browser.newContext();
    t.after(() => aliceContext.close());
    t.after(() => bobContext.close());
    t.after(() => assert.deepEqual(errors, [], 'no uncaught errors in the pages'));
    const alice = await newPage(aliceContext, errors);
    await alice.goto(await demoUrl(demo.server.port, 'alice', 'Alice'));
    await testId(alice, 'room-name-input').fill(roomName);
    await testId(alice, 'create-room-form').locator('button').click();
    await testId(alice, 'room-id').filter({ hasText: /\S/ }).waitFor({ timeout: WAIT_MS });
    const roomId = (await testId(alice, 'room-id').textContent()) ?? '';
    const bob = await newPage(bobContext, errors);
    await bob.goto(await demoUrl(demo.server.port, 'bob', 'Bob', roomId));
    await testId(bob, 'room-name').filter({ hasText: roomName }).waitFor({ timeout: WAIT_MS });
    for (const page of [alice, bob]) {
      await waitFor(async () => (await onlineNames(page)).join() === 'Alice,Bob', { timeoutMs: WAIT_MS, what: 'both online in both pages' });
      await waitFor(async () => (await testId(page, 'connection-status').textContent()) === 'connected', { timeoutMs: WAIT_MS, what: 'connected' });
    }
    return { alice, bob, bobContext, roomId };
  };

  it("two users see each other's messages, typing and presence", async (t) => {
    const { alice, bob } = await twoInARoom(t, 'Chat');
    assert.equal(await testId(alice, 'viewer').textContent(), 'Alice');

    await testId(alice, 'composer').pressSequentially('hello bo');
    await waitFor(async () => (await testId(bob, 'typing').textContent()) === 'Alice is typing…', { timeoutMs: WAIT_MS, what: 'bob sees alice typing' });
    assert.equal(await testId(alice, 'typing').textContent(), '', 'nobody else types');
    await testId(alice, 'composer').pressSequentially('b');
    await testId(alice, 'composer').press('Enter');
    await send(bob, 'hi alice');

    for (const page of [alice, bob]) {
      await waitFor(async () => (await messageBodies(page)).join('|') === 'hello bob|hi alice', { timeoutMs: WAIT_MS, what: 'both messages, in order, in both pages' });
    }
    await waitFor(async () => (await testId(bob, 'typing').textContent()) === '', { timeoutMs: WAIT_MS, what: 'sending ends the typing indicator' });
    assert.deepEqual(await texts(bob, '[data-testid="messages"] li .author'), ['Alice', 'Bob']);
  });

  it('shows the same countdown second in both pages, from the server', async (t) => {
    const { alice, bob } = await twoInARoom(t, 'Countdown');
    await testId(alice, 'countdown-duration').selectOption('30000');
    await testId(alice, 'countdown-start').click();

    const readCountdown = (page: Page) =>
      testId(page, 'countdown').evaluate((node) => ({ text: node.textContent, status: node.getAttribute('data-status'), ms: node.getAttribute('data-remaining-ms') }));
    // Both pages render the server's tick values; after a tick both show it, to the millisecond.
    const both = await waitFor(
      async () => {
        const [a, b] = await Promise.all([readCountdown(alice), readCountdown(bob)]);
        return a.status === 'RUNNING' && Number(a.ms) % 1_000 === 0 && Number(a.ms) < 30_000 && a.ms === b.ms ? [a, b] : undefined;
      },
      { timeoutMs: WAIT_MS, what: 'both pages on the same tick' },
    );
    assert.equal(both[0]?.text, both[1]?.text);
    assert.match(both[0]?.text ?? '', /^0:(2\d|30)$/);

    await testId(alice, 'countdown-pause').click();
    const paused = await waitFor(
      async () => {
        const [a, b] = await Promise.all([readCountdown(alice), readCountdown(bob)]);
        return a.status === 'PAUSED' && b.status === 'PAUSED' ? [a, b] : undefined;
      },
      { timeoutMs: WAIT_MS, what: 'both paused' },
    );
    assert.deepEqual(paused[0], paused[1], 'the same held time, to the millisecond');
    assert.equal(await testId(bob, 'countdown-resume').isDisabled(), false);

    // Bob neither started the countdown nor owns the room: the server refuses, and the page says why.
    await testId(bob, 'countdown-stop').click();
    await waitFor(async () => (await testId(bob, 'error-banner').textContent())?.startsWith('FORBIDDEN'), { timeoutMs: WAIT_MS, what: 'bob sees FORBIDDEN' });
    await testId(alice, 'countdown-stop').click();
    await waitFor(async () => (await readCountdown(bob)).status === 'STOPPED', { timeoutMs: WAIT_MS, what: 'bob sees it stopped' });
  });

  it('loses no message when a page goes offline and comes back', async (t) => {
    const { alice, bob, bobContext } = await twoInARoom(t, 'Offline');
    await send(alice, 'before');
    await waitFor(async () => (await messageBodies(bob)).join() === 'before', { timeoutMs: WAIT_MS, what: 'bob has the first message' });

    await bobContext.setOffline(true);
    await testId(bob, 'reconnecting-banner').waitFor({ state: 'visible', timeout: WAIT_MS });
    const whileAway = Array.from({ length: 5 }, (_, i) => `while bob is away ${i + 1}`);
    for (const body of whileAway) await send(alice, body);
    // The composer does not wait for the server: Alice's sends must be stored before Bob's, or the order
    // below is a race between her requests and his retry.
    await waitFor(async () => (await messageBodies(alice)).join('|') === ['before', ...whileAway].join('|'), { timeoutMs: WAIT_MS, what: "alice's messages stored" });
    await send(bob, 'typed offline');
    await waitFor(async () => (await messageBodies(bob, 'pending')).join() === 'typed offline', { timeoutMs: WAIT_MS, what: "bob's message shown as pending" });

    await bobContext.setOffline(false);
    await testId(bob, 'reconnecting-banner').waitFor({ state: 'hidden', timeout: WAIT_MS });
    const expected = ['before', ...whileAway, 'typed offline'];
    for (const page of [alice, bob]) {
      let shown: string[] = [];
      await waitFor(async () => (shown = await messageBodies(page)).join('|') === expected.join('|'), {
        timeoutMs: WAIT_MS,
        what: () => `every message once, in order (has ${shown.join('|')})`,
      });
    }
    const seqs = await bob.locator('[data-testid="messages"] li').evaluateAll((items) => items.map((item) => item.getAttribute('data-seq')));
    assert.deepEqual(seqs, expected.map((_, i) => String(i + 1)), 'seqs 1…7, no gap, no repeat');
  });
});
