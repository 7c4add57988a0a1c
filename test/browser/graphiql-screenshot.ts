// Refreshes docs/graphiql-subscription.png: GraphiQL running a messageAdded subscription over SSE with a
// token in its Headers tab, Docs open, the latest message in the result pane.
// `npx tsx test/browser/graphiql-screenshot.ts` (the server is built first, as for the browser tests).
import { fileURLToPath } from 'node:url';
import { gqlData } from '../helpers/graphql-http.js';
import { sendMessage } from '../helpers/operations.js';
import { startServer } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { launchChromium } from './helpers/chromium.js';
import { openDocs, openGraphiql, run, typeHeaders, typeQuery, waitForResult } from './helpers/graphiql.js';

const OUT = fileURLToPath(new URL('../../docs/graphiql-subscription.png', import.meta.url));

const server = await startServer();
const chromium = await launchChromium();
try {
  const token = await tokenFor('ada', 'Ada');
  const room = (await gqlData<{ createRoom: { id: string; headCursor: string } }>(server.url, { token, query: 'mutation { createRoom(input: { name: "lobby" }) { id headCursor } }' }))
    .createRoom;
  const context = await chromium.browser.newContext({ viewport: { width: 1400, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await openGraphiql(page, server.url);
  await openDocs(page);
  await typeHeaders(page, { Authorization: `Bearer ${token}` });
  // Back to the start of each editor, which typing left scrolled to the end of a long line.
  await page.keyboard.press('Control+Home');
  await typeQuery(page, `subscription { messageAdded(roomId: "${room.id}", after: "${room.headCursor}") { seq body author { name } createdAt } }`);
  await page.getByRole('button', { name: /^Prettify query/ }).click();
  await page.locator('.graphiql-query-editor .monaco-editor').click();
  await page.keyboard.press('Control+Home');
  await run(page);
  await sendMessage(server.url, token, { roomId: room.id, body: 'Hello from curl' });
  await sendMessage(server.url, token, { roomId: room.id, body: 'Live in GraphiQL' });
  await waitForResult(page, 'Live in GraphiQL');
  await page.screenshot({ path: OUT });
  console.log(`wrote ${OUT}`);
} finally {
  await chromium.close();
  await server.stop();
}
