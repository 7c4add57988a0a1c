// The quiz-room page's views: only the current one takes space (the sign-in card is not followed by an
// empty room panel), a room leads back to the lobby, and signing out forgets the token.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '../helpers/wait-for.js';
import { demoSuite, demoUrl, newPage, testId } from './helpers/demo.js';

const WAIT_MS = 10_000;

describe('quiz-room page navigation', () => {
  const demo = demoSuite();

  it('shows only the sign-in card before signing in: the hidden room panel takes no space', async (t) => {
    const context = await demo.chromium.browser.newContext();
    t.after(() => context.close());
    const errors: string[] = [];
    const page = await newPage(context, errors);
    await page.goto(`http://127.0.0.1:${demo.server.port}/demo/`);
    await testId(page, 'sign-in-form').waitFor({ timeout: WAIT_MS });
    const room = page.locator('[data-view="room"]');
    const lobby = page.locator('[data-view="lobby"]');
    assert.equal(await room.evaluate((node) => getComputedStyle(node).display), 'none');
    assert.equal(await lobby.evaluate((node) => getComputedStyle(node).display), 'none');
    assert.equal(await testId(page, 'sign-out').isVisible(), false);
    assert.deepEqual(errors, []);
  });

  it('goes from a room back to the lobby, then signs out and forgets the token', async (t) => {
    const context = await demo.chromium.browser.newContext();
    t.after(() => context.close());
    const errors: string[] = [];
    const page = await newPage(context, errors);
    await page.goto(await demoUrl(demo.server.port, 'carol', 'Carol'));
    await testId(page, 'room-name-input').fill('Navigation');
    await testId(page, 'create-room-form').locator('button').click();
    await testId(page, 'room-id').filter({ hasText: /\S/ }).waitFor({ timeout: WAIT_MS });
    assert.match(page.url(), /#room=/);

    await testId(page, 'back-to-lobby').click();
    await testId(page, 'room-list').locator('li', { hasText: 'Navigation' }).waitFor({ timeout: WAIT_MS });
    assert.equal(await page.locator('[data-view="room"]').isVisible(), false);
    assert.doesNotMatch(page.url(), /#room=/);
    // The lobby opens the room again on the same client.
    await testId(page, 'room-list').locator('li', { hasText: 'Navigation' }).locator('button').click();
    await testId(page, 'room-name').filter({ hasText: 'Navigation' }).waitFor({ timeout: WAIT_MS });
    await testId(page, 'back-to-lobby').click();
    await testId(page, 'room-list').waitFor({ timeout: WAIT_MS });

    await testId(page, 'sign-out').click();
    await testId(page, 'sign-in-form').waitFor({ timeout: WAIT_MS });
    assert.equal(await testId(page, 'connection-status').textContent(), 'signed out');
    assert.equal(await testId(page, 'viewer').textContent(), '');
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'the token is forgotten');
    // A reload stays signed out.
    await page.reload();
    await testId(page, 'sign-in-form').waitFor({ timeout: WAIT_MS });
    await waitFor(async () => (await testId(page, 'connection-status').textContent()) === 'signed out', { timeoutMs: WAIT_MS, what: 'still signed out' });
    assert.equal(await page.locator('[data-view="lobby"]').isVisible(), false);
    assert.deepEqual(errors, []);
  });
});
