// Things that silently rot unless a test notices: generated code, the contract, and the README tables.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
const readme = readFileSync(new URL('README.md', root), 'utf8');

/** The first-column `CODE` values of the markdown table under a heading. */
const tableKeys = (heading: string): Set<string> => {
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has a "## ${heading}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
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

  it('README configuration table lists exactly the variables the server reads', () => {
    assert.deepEqual([...tableKeys('Configuration')].sort(), configKeys().sort());
  });

  it('.ci/run runs exactly the README test command', () => {
    const ci = readFileSync(new URL('.ci/run', root), 'utf8');
    const command = /Run the tests[\s\S]*?```sh\n([^\n]+)\n```/.exec(readme)?.[1];
    assert.ok(command, 'README shows the test command in a sh block after "Run the tests"');
    assert.ok(ci.split('\n').includes(command), `.ci/run runs \`${command}\``);
  });

  it('README error table lists exactly the error codes', () => {
    assert.deepEqual([...tableKeys('Errors')].sort(), Object.values(ErrorCode).sort());
  });
});
