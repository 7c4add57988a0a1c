// Server processes for benchmarks: plain JavaScript as in production (Roomcast as `npm start` runs it,
// from dist/ built by tsc; bench-only entry points bundled by esbuild), started on port 0 and ready once
// they print pino's `listening` line with the port. Stopped by PID (SIGTERM, then SIGKILL).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { killOnExit } from '../test/helpers/exit-cleanup.js';

export const root = fileURLToPath(new URL('../', import.meta.url));
export const SERVER_ENTRY = 'dist/main.js';
const BUNDLE_DIR = '.bench-build';

/**
 * Builds dist/ with tsc, and bundles each of `entryPoints` (bench/<dir>/<name>.ts) into
 * .bench-build/<dir>/<name>.js: two levels below the root like src/<dir>/<file>.ts, so that the paths
 * the bundled src modules resolve from import.meta.url (schema/, migrations/) still point at the root.
 */
export const buildServers = async (entryPoints: string[] = []): Promise<void> => {
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('building the server failed');
  if (entryPoints.length === 0) return;
  await build({ entryPoints, absWorkingDir: root, outdir: BUNDLE_DIR, outbase: 'bench', bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20' });
};

/** The bundle of bench/<path>.ts. */
export const bundled = (path: string): string => `${BUNDLE_DIR}/${path}.js`;

export interface BenchServer {
  pid: number;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export const startServer = (script: string, options: { env?: Record<string, string>; nodeArgs?: string[]; args?: string[]; readyTimeoutMs?: number } = {}) =>
  new Promise<BenchServer>((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...(options.args ?? [])], {
      cwd: root,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    killOnExit(child);
    const timer = setTimeout(() => reject(new Error(`${script} did not start`)), options.readyTimeoutMs ?? 20_000);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let parsed: { msg?: unknown; port?: unknown };
      try {
        parsed = JSON.parse(line) as { msg?: unknown; port?: unknown }; // narrowed field by field below
      } catch {
        return; // not a log line
      }
      if (parsed.msg === 'listening' && typeof parsed.port === 'number' && child.pid) {
        clearTimeout(timer);
        resolve({ pid: child.pid, port: parsed.port, child, stop: () => stopChild(child) });
      }
    });
  });

const stopChild = async (child: ChildProcess): Promise<void> => {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
};
