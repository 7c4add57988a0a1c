// Debian's chromium for browser tests, started by us and driven by playwright-core over CDP: our own
// process (so it is stopped by PID like every other child), a fresh --user-data-dir per browser, headless,
// loopback only. playwright-core downloads nothing; `npm test` installs chromium with apt when missing.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { forgetDir, killOnExit, removeOnExit } from '../../helpers/exit-cleanup.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

export interface RunningChromium {
  browser: Browser;
  pid: number;
  close(): Promise<void>;
}

// The browser and its renderer, GPU and utility processes share the group we started it in.
const signalGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
};

const stopChild = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
};

export const launchChromium = async (): Promise<RunningChromium> => {
  const userDataDir = mkdtempSync(join(tmpdir(), 'roomcast-chromium-'));
  removeOnExit(userDataDir);
  const child = spawn(
    CHROMIUM_PATH,
    [...FLAGS, '--headless', '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', `--user-data-dir=${userDataDir}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  killOnExit(child, { group: true });
  const cleanup = async () => {
    await stopChild(child);
    rmSync(userDataDir, { recursive: true, force: true });
    forgetDir(userDataDir);
  };

  let stderr = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`chromium did not start: ${why}\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`no DevTools endpoint within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`exited with ${code ?? signal}`));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const found = /DevTools listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  }).catch(async (error: unknown) => {
    await cleanup();
    throw error;
  });
  if (!child.pid) throw new Error('chromium has no pid');

  const browser = await chromium.connectOverCDP(endpoint, { timeout: START_TIMEOUT_MS }).catch(async (error: unknown) => {
    await cleanup();
    throw error;
  });
  return {
    browser,
    pid: child.pid,
    async close() {
      // Closing over CDP lets chromium shut down cleanly; the PID stop below is the bounded fallback.
      await Promise.race([browser.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS))]);
      await cleanup();
    },
  };
};
