// The quiz-room page as the browser tests drive it: its build must exist (the test command builds it
// first), and each user signs in through the URL hash.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { tokenFor } from '../../helpers/tokens.js';

const DIST = fileURLToPath(new URL('../../../examples/quiz-room/dist/index.html', import.meta.url));

export const assertDemoBuilt = (): void => {
  if (!existsSync(DIST)) throw new Error('the quiz-room demo is not built: run `npm run demo:build` (npm test does)');
};

/** `/demo/#token=…` for `userId`, optionally opening `roomId`. */
export const demoUrl = async (serverPort: number, userId: string, name: string, roomId?: string): Promise<string> => {
  const hash = new URLSearchParams({ token: await tokenFor(userId, name) });
  if (roomId) hash.set('room', roomId);
  return `http://127.0.0.1:${serverPort}/demo/#${hash.toString()}`;
};

export const testId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

/** A new page in `context` that fails the test on any uncaught error in the page. */
export const newPage = async (context: BrowserContext, errors: string[]): Promise<Page> => {
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  return page;
};
