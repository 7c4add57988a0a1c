import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, RoomcastError } from '../../src/errors/index.js';
import { pageWindow } from '../../src/services/page-window.js';

const limits = { max: 100, defaultSize: 20 };
const window = (head: number, args: Parameters<typeof pageWindow>[1]) => {
  const { fromSeq, toSeq, hasPreviousPage, hasNextPage } = pageWindow({ head: head, prunedThrough: 0 }, args, limits);
  return [fromSeq, toSeq, hasPreviousPage, hasNextPage];
};

describe('page window over dense seqs', () => {
  it('pages forwards', () => {
    assert.deepEqual(window(25, { first: 10 }), [1, 10, false, true]);
    assert.deepEqual(window(25, { first: 10, afterSeq: 10 }), [11, 20, true, true]);
    assert.deepEqual(window(25, { first: 10, afterSeq: 20 }), [21, 25, true, false]);
    assert.deepEqual(window(25, {}), [1, 20, false, true], 'default page is the first 20');
  });

  it('pages backwards', () => {
    assert.deepEqual(window(25, { last: 10 }), [16, 25, true, false]);
    assert.deepEqual(window(25, { last: 10, beforeSeq: 16 }), [6, 15, true, true]);
    assert.deepEqual(window(25, { last: 10, beforeSeq: 6 }), [1, 5, false, true]);
  });

  it('slices by both cursors before counting', () => {
    assert.deepEqual(window(25, { afterSeq: 5, beforeSeq: 9, first: 10 }), [6, 8, true, true]);
    assert.deepEqual(window(25, { afterSeq: 5, beforeSeq: 20, last: 3 }), [17, 19, true, true]);
  });

  it('reports empty pages truthfully', () => {
    assert.deepEqual(window(0, { first: 10 }).slice(2), [false, false], 'empty room');
    assert.deepEqual(window(25, { first: 10, afterSeq: 25 }).slice(2), [true, false], 'past the end');
    assert.deepEqual(window(25, { last: 10, beforeSeq: 1 }).slice(2), [false, true], 'before the start');
    assert.deepEqual(window(25, { first: 0 }).slice(2), [false, true]);
  });

  it('refuses sizes out of range with BAD_USER_INPUT', () => {
    for (const args of [{ first: 101 }, { last: 101 }, { first: -1 }, { last: -5 }]) {
      assert.throws(
        () => pageWindow({ head: 25, prunedThrough: 0 }, args, limits),
        (error: unknown) => error instanceof RoomcastError && error.code === ErrorCode.BadUserInput,
      );
    }
  });
});
