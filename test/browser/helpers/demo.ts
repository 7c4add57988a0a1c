// The quiz-room page as the browser tests drive it: its build must exist (the test command builds it
// first), and each user signs in through the URL hash.
import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { startServer, type ServerProcess } from '../../helpers/server-process.js';
import { tokenFor } from '../../helpers/tokens.js';
import { launchChromium, type RunningChromium } from './chromium.js';

const DIST = fileURLToPath(new URL('../../../examples/quiz-room/dist/index.html', import.meta.url));

export const assertDemoBuilt = (): void => {
  if (!existsSync(DIST)) throw new Error('the quiz-room demo is not built: run `npm run demo:build` (npm test does)');
};

/**
 * For a suite that drives the demo: the built server and a Chromium, started before its tests and stopped
 * after them. The fields are set by the time a test reads them.
 */
export const demoSuite = (): { server: ServerProcess; chromium: RunningChromium } => {
  const suite = {} as { server: ServerProcess; chromium: RunningChromium }; // filled in by before()
  before(async () => {
    assertDemoBuilt();
    suite.server = await startServer();
    suite.chromium = await launchChromium();
  });
  after(async () => {
    await suite.chromium?.close();
    await suite.server?.stop();
  });
  return suite;
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
