// Builds the quiz-room page into dist/ (what the server serves at /demo): one ES module bundle of the page
// and the typed client, plus index.html and style.css. `npm run demo:build`; the test command runs it too.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

export const buildDemo = async (): Promise<void> => {
  const dist = here('dist');
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  await build({
    entryPoints: [here('src/main.ts')],
    outfile: here('dist/app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    // urql and graphql read process.env.NODE_ENV, which a browser does not have.
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  await Promise.all([copyFile(here('index.html'), here('dist/index.html')), copyFile(here('style.css'), here('dist/style.css'))]);
};

// Run directly (`npm run demo:build`), not when imported.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await buildDemo();
