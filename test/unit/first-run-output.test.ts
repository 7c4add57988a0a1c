// The text a person reads on a first run: the start banner, the port-in-use line, `npm run token`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressInUseMessage, startBanner } from '../../src/observability/start-banner.js';
import { tokenOutput } from '../../scripts/token-output.js';

describe('first-run output', () => {
  it('the start banner names GraphiQL, the demo, how to get a token and PORT', () => {
    const banner = startBanner({ graphqlUrl: 'http://127.0.0.1:4000/graphql', engine: 'memory', demoBuilt: true });
    assert.match(banner, /GraphiQL +http:\/\/127\.0\.0\.1:4000\/graphql/);
    assert.match(banner, /Demo +http:\/\/127\.0\.0\.1:4000\/demo\/\n/);
    assert.match(banner, /npm run token -- alice "Alice"/);
    assert.match(banner, /PORT/);
    assert.match(startBanner({ graphqlUrl: 'http://127.0.0.1:4000/graphql', engine: 'memory', demoBuilt: false }), /npm run demo:build/);
  });

  it('a port in use is one line naming PORT', () => {
    const line = addressInUseMessage('127.0.0.1', 4000);
    assert.equal(line.split('\n').length, 2);
    assert.match(line, /port 4000 on 127\.0\.0\.1 is already in use.*PORT=4001 npm start/);
  });

  it('npm run token: the bare token when captured, each thing to paste on its own line in a terminal', () => {
    assert.equal(tokenOutput({ token: 'a.b.c', origin: 'http://127.0.0.1:4000', interactive: false }), 'a.b.c\n');
    const lines = tokenOutput({ token: 'a.b.c', origin: 'http://127.0.0.1:4000', interactive: true }).split('\n');
    assert.ok(lines.includes('{"Authorization": "Bearer a.b.c"}'), 'the GraphiQL header, ready to paste');
    assert.ok(lines.includes('http://127.0.0.1:4000/demo/#token=a.b.c'), 'the demo link');
    assert.ok(lines.includes('a.b.c'), 'the token alone');
  });
});
