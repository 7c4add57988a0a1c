// Things that silently rot unless a test notices: generated code, the contract, the tables in docs/, and the
// README's test command.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { buildSchema, findBreakingChanges } from 'graphql';
import { configKeys } from '../../src/config/config.js';
import { ErrorCode } from '../../src/errors/index.js';
import { readTypeDefs } from '../../src/transport/schema.js';

const root = new URL('../../', import.meta.url);

/**
 * The public contract lives in shared/ beside the repository (as CI has it). A clone made elsewhere finds
 * it beside the repository it was cloned from.
 */
const contractSchemaPath = (): string => {
  const beside = fileURLToPath(new URL('../shared/contract/schema.graphql', root));
  if (existsSync(beside)) return beside;
  const origin = spawnSync('git', ['config', '--get', 'remote.origin.url'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  const besideOrigin = origin.startsWith('/') ? join(dirname(resolve(origin)), 'shared/contract/schema.graphql') : '';
  assert.ok(besideOrigin && existsSync(besideOrigin), `shared/contract/schema.graphql not found beside ${fileURLToPath(root)} or its origin`);
  return besideOrigin;
};
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const readme = read('README.md');

/** The first-column `CODE` values of the markdown table under a `## heading` of a file. */
const tableKeys = (path: string, heading: string): Set<string> => {
  const text = read(path);
  const start = text.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `${path} has a "## ${heading}" section`);
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end === -1 ? undefined : end);
  return new Set([...section.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((match) => match[1] ?? ''));
};

describe('freshness', () => {
  it('committed codegen output matches schema/ and client/operations/', () => {
    const result = spawnSync(process.execPath, ['node_modules/@graphql-codegen/cli/cjs/bin.js', '--config', 'codegen.ts', '--check'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(result.status, 0, `codegen output is stale; run \`npm run codegen\` and commit.\n${result.stdout}\n${result.stderr}`);
  });

  it('schema/ keeps every type, field and argument of the public contract, partner surface included', () => {
    // partners.graphql extends schema.graphql; it joins the contract now that the partner work has landed.
    const schemaPath = contractSchemaPath();
    const partners = join(dirname(schemaPath), 'partners.graphql');
    const contract = buildSchema([readFileSync(schemaPath, 'utf8'), readFileSync(partners, 'utf8')].join('\n'));
    const ours = buildSchema(readTypeDefs().join('\n'));
    assert.deepEqual(findBreakingChanges(contract, ours), []);
  });

  it('docs/configuration.md lists exactly the variables the server reads', () => {
    assert.deepEqual([...tableKeys('docs/configuration.md', 'Environment variables')].sort(), configKeys().sort());
  });

  it('.ci/run runs exactly the README test command', () => {
    const ci = readFileSync(new URL('.ci/run', root), 'utf8');
    const command = /Run the tests[\s\S]*?```sh\n([^\n]+)\n```/.exec(readme)?.[1];
    assert.ok(command, 'README shows the test command in a sh block after "Run the tests"');
    assert.ok(ci.split('\n').includes(command), `.ci/run runs \`${command}\``);
  });

  it('docs/errors-and-close-codes.md lists exactly the error codes', () => {
    assert.deepEqual([...tableKeys('docs/errors-and-close-codes.md', 'Error codes')].sort(), Object.values(ErrorCode).sort());
  });

  it('every relative link in README.md and docs/ leads to a file that exists', () => {
    const pages = ['README.md', ...readdirSync(new URL('docs/', root)).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
    const broken = pages.flatMap((page) =>
      [...read(page).matchAll(/\]\(([^)\s]+)\)/g)]
        .map((match) => (match[1] ?? '').split('#')[0] ?? '')
        .filter((target) => target !== '' && !/^[a-z]+:/.test(target))
        .filter((target) => !existsSync(new URL(target, new URL(page, root))))
        .map((target) => `${page} -> ${target}`),
    );
    assert.deepEqual(broken, []);
  });
});
