import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createManualClock, type Clock } from '../../src/lib/clock.js';
import { bufferedDestination, LOG_BUFFER_BYTES } from '../../src/observability/logger.js';
import { waitFor } from '../helpers/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'roomcast-log-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A manual clock that also counts what was scheduled on it. */
const countingClock = () => {
  const clock = createManualClock();
  let scheduled = 0;
  const counted: Clock = {
    now: clock.now,
    setTimeout(fn, ms) {
      scheduled += 1;
      return clock.setTimeout(fn, ms);
    },
  };
  return { clock: counted, advance: (ms: number) => clock.advance(ms), scheduled: () => scheduled };
};

describe('buffered log destination', () => {
  it('writes held lines once the flush delay has passed, and schedules nothing while no line waits', async () => {
    const path = join(dir, 'held.log');
    const { clock, advance, scheduled } = countingClock();
    const stream = bufferedDestination({ dest: path, minLength: LOG_BUFFER_BYTES, flushAfterMs: 100, clock });
    await once(stream, 'ready');
    // Idle: nothing to write, so no timer (sonic-boom's periodicFlush would run every 100 ms regardless).
    advance(1_000);
    assert.equal(scheduled(), 0);

    stream.write('{"msg":"one"}\n');
    stream.write('{"msg":"two"}\n');
    assert.equal(scheduled(), 1, 'one flush for the lines held together');
    assert.equal(readFileSync(path, 'utf8'), '', 'held below the buffer size until the delay');

    const written = once(stream, 'write');
    advance(100);
    assert.deepEqual(await written, [Buffer.byteLength('{"msg":"one"}\n{"msg":"two"}\n')], 'both lines in one write');
    assert.equal(readFileSync(path, 'utf8'), '{"msg":"one"}\n{"msg":"two"}\n');
    // Once the write has been reported, the next due time finds nothing held and schedules no other.
    advance(100);
    const settled = scheduled();
    advance(10_000);
    assert.equal(scheduled(), settled, 'no timer while nothing is held');

    stream.write('{"msg":"three"}\n');
    assert.equal(scheduled(), settled + 1);
    advance(100);
    await waitFor(() => readFileSync(path, 'utf8').endsWith('{"msg":"three"}\n'), { timeoutMs: 2_000, what: 'the third line in the file' });
    stream.end();
  });

  it('still writes a line that came while a write was in flight, when its flush found the stream busy', async () => {
    const path = join(dir, 'busy.log');
    const { clock, advance } = countingClock();
    const stream = bufferedDestination({ dest: path, minLength: LOG_BUFFER_BYTES, flushAfterMs: 100, clock });
    await once(stream, 'ready');
    stream.write('{"msg":"first"}\n');
    const firstWritten = once(stream, 'write');
    stream.flush(); // the first line's write is now in flight
    stream.write('{"msg":"second"}\n');
    advance(100); // its flush comes while the first write is in flight, and writes nothing
    await firstWritten;
    assert.equal(readFileSync(path, 'utf8'), '{"msg":"first"}\n');
    advance(100); // the timer stayed armed while bytes were held
    await waitFor(() => readFileSync(path, 'utf8') === '{"msg":"first"}\n{"msg":"second"}\n', { timeoutMs: 2_000, what: 'the second line in the file' });
    stream.end();
  });
});
