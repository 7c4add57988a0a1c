// Driving GraphiQL (graphql-yoga's build of GraphiQL 5, Monaco editors) like a person would: type into its
// editors, run, read the result pane, open Docs. Shared by the browser test and the screenshot script.
import type { Locator, Page } from 'playwright-core';
import { waitFor } from '../../helpers/wait-for.js';

export const GRAPHIQL_WAIT_MS = 20_000;

const queryEditor = (page: Page): Locator => page.locator('.graphiql-query-editor .monaco-editor');
// The Variables and Headers tabs share one panel; the visible editor is the selected tab's.
const toolEditor = (page: Page): Locator => page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .monaco-editor');

/** Replaces an editor's text. insertText types no keys, so bracket and quote auto-closing cannot mangle it. */
const replaceText = async (page: Page, editor: Locator, text: string) => {
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
};

export const openGraphiql = async (page: Page, url: string) => {
  const response = await page.goto(url);
  await page.locator('.graphiql-execute-button').waitFor({ timeout: GRAPHIQL_WAIT_MS });
  return response;
};

export const typeHeaders = async (page: Page, headers: Record<string, string>) => {
  await page.getByRole('button', { name: 'Headers' }).click();
  await replaceText(page, toolEditor(page), JSON.stringify(headers));
};

export const headersText = async (page: Page): Promise<string> => {
  await page.getByRole('button', { name: 'Headers' }).click();
  return toolEditor(page).innerText();
};

export const typeQuery = (page: Page, query: string) => replaceText(page, queryEditor(page), query);

export const run = (page: Page) => page.locator('.graphiql-execute-button').click();

/** The result pane's text, with the no-break spaces the editor renders turned back into spaces. */
export const resultText = async (page: Page): Promise<string> => (await page.locator('.graphiql-response').innerText()).replace(/\u00a0/g, ' ');

export const waitForResult = async (page: Page, includes: string): Promise<string> => {
  let shown = '';
  await waitFor(async () => (shown = await resultText(page)).includes(includes), {
    timeoutMs: GRAPHIQL_WAIT_MS,
    what: () => `${includes} in the result pane (shows: ${shown})`,
  });
  return shown;
};

/** Opens the Docs pane and waits until it lists the root types (read from the schema GraphiQL has). */
export const openDocs = async (page: Page): Promise<string> => {
  await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
  const pane = page.locator('.graphiql-plugin');
  let shown = '';
  await waitFor(async () => (shown = await pane.innerText()).includes('Subscription'), {
    timeoutMs: GRAPHIQL_WAIT_MS,
    what: () => `the schema in the Docs pane (shows: ${shown})`,
  });
  return shown;
};
