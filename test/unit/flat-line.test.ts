import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DestinationStream } from 'pino';
import { createLogger, flatLineLogger, flatLineWriter } from '../../src/observability/logger.js';

const capture = (): { destination: DestinationStream; lines: string[] } => {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
};

// The time is the one part two writes cannot share.
const withoutTime = (line: string | undefined): string => (line ?? '').replace(/,"time":\d+/, ',"time":0');

describe('flat line writer', () => {
  it('writes a line byte for byte as pino writes the same fields through the logger', () => {
    const { destination, lines } = capture();
    const logger = createLogger('debug', destination);
    const writer = flatLineWriter(logger);
    const userId = 'user "quoted" \\ é';
    flatLineLogger(logger).info({ requestId: 'req_1', status: 200, durationMs: 1.25, userId, outcome: undefined }, 'request');
    writer.write('info', `,"requestId":"req_1","status":200,"durationMs":1.25,"userId":${JSON.stringify(userId)}`, 'request');
    flatLineLogger(logger).debug({ path: '/healthz' }, 'request');
    writer.write('debug', ',"path":"/healthz"', 'request');
    assert.equal(lines.length, 4);
    assert.equal(withoutTime(lines[1]), withoutTime(lines[0]));
    assert.equal(withoutTime(lines[3]), withoutTime(lines[2]));
    assert.deepEqual(JSON.parse(lines[1] ?? ''), { ...JSON.parse(lines[0] ?? ''), time: JSON.parse(lines[1] ?? '').time });
  });

  it('says whether a level is written, following the logger as its level changes', () => {
    const { destination } = capture();
    const logger = createLogger('info', destination);
    const writer = flatLineWriter(logger);
    assert.equal(writer.enabled('info'), true);
    assert.equal(writer.enabled('debug'), false);
    logger.level = 'debug';
    assert.equal(writer.enabled('debug'), true);
  });
});
