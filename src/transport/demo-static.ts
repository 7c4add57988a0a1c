import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_PATH = '/demo';

// Only what the demo's build writes; anything else is not served.
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** The quiz-room demo's build output (`npm run demo:build`), next to the server's source tree. */
export const DEFAULT_DEMO_DIR = fileURLToPath(new URL('../../examples/quiz-room/dist/', import.meta.url));

const send = (res: ServerResponse, status: number, body: string | Buffer, contentType: string, head: boolean): void => {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    // The build overwrites files in place under the same names; always revalidate.
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  res.end(head ? undefined : body);
};

/**
 * The file under `root` that `/demo/<rest>` names, or undefined. `/demo` and `/demo/` are index.html.
 * Decoding happens once, then any `..` segment, backslash or NUL is refused before resolving, and the
 * resolved path must still lie inside `root`: no request reaches a file outside the build output.
 */
const fileFor = (root: string, pathname: string): string | undefined => {
  let rest: string;
  try {
    rest = decodeURIComponent(pathname.slice(DEMO_PATH.length));
  } catch {
    return undefined;
  }
  if (rest === '' || rest === '/') rest = '/index.html';
  if (!rest.startsWith('/') || rest.includes('\0') || rest.includes('\\')) return undefined;
  if (rest.split('/').some((segment) => segment === '..' || segment === '.')) return undefined;
  const file = resolve(root, `.${rest}`);
  return file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : undefined;
};

/**
 * Serves the built quiz-room demo at `/demo` and `/demo/*` (GET and HEAD). Returns false for any other
 * path, leaving the request to yoga. A demo that was not built answers 404 with how to build it.
 */
export const createDemoStatic =
  (root: string = DEFAULT_DEMO_DIR) =>
  (req: IncomingMessage, res: ServerResponse): boolean => {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    if (pathname !== DEMO_PATH && !pathname.startsWith(`${DEMO_PATH}/`)) return false;
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.setHeader('allow', 'GET, HEAD');
      send(res, 405, 'Method Not Allowed\n', 'text/plain; charset=utf-8', false);
      req.resume();
      return true;
    }
    const file = fileFor(resolve(root), pathname);
    const contentType = file === undefined ? undefined : CONTENT_TYPES[extname(file)];
    const notFound = () => send(res, 404, 'Not found. Build the demo with `npm run demo:build`.\n', 'text/plain; charset=utf-8', head);
    if (file === undefined || contentType === undefined) {
      notFound();
      return true;
    }
    void (async () => {
      try {
        if (!(await stat(file)).isFile()) return notFound();
        send(res, 200, await readFile(file), contentType, head);
      } catch {
        // Missing (not built) or unreadable: either way there is nothing to serve.
        if (!res.headersSent) notFound();
      }
    })();
    return true;
  };
