// Message cursors checked against a room's history: before the oldest kept message (retention) or from
// another epoch is CURSOR_EXPIRED with the cursor to resume from; ahead of the head, or of another room,
// is BAD_USER_INPUT.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, RoomcastError } from '../../src/errors/index.js';
import { createMessageCursors } from '../../src/services/cursors.js';

const codeAndDetails = (error: unknown) => {
  assert.ok(error instanceof RoomcastError);
  return { code: error.code, oldestCursor: error.extensions['oldestCursor'] };
};

describe('message cursors', () => {
  const cursors = createMessageCursors('epoch_a');
  const bounds = { head: 50, prunedThrough: 20 };

  it('reads back what it wrote, from the oldest kept message to the head', () => {
    for (const seq of [20, 21, 50]) assert.equal(cursors.decode(cursors.encode('room_1', seq), 'room_1', 'after', bounds), seq);
  });

  it('answers a cursor before the oldest kept message with CURSOR_EXPIRED and where to resume', () => {
    const thrown = (() => {
      try {
        cursors.decode(cursors.encode('room_1', 19), 'room_1', 'after', bounds);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    const { code, oldestCursor } = codeAndDetails(thrown);
    assert.equal(code, ErrorCode.CursorExpired);
    assert.equal(typeof oldestCursor, 'string');
    assert.equal(cursors.decode(String(oldestCursor), 'room_1', 'after', bounds), 20, 'the resume cursor is at the retention boundary');
  });

  it('answers a cursor of another epoch with CURSOR_EXPIRED, and one ahead or of another room with BAD_USER_INPUT', () => {
    const other = createMessageCursors('epoch_b');
    assert.throws(() => cursors.decode(other.encode('room_1', 30), 'room_1', 'after', bounds), (error) => codeAndDetails(error).code === ErrorCode.CursorExpired);
    assert.throws(() => cursors.decode(cursors.encode('room_1', 51), 'room_1', 'after', bounds), (error) => codeAndDetails(error).code === ErrorCode.BadUserInput);
    assert.throws(() => cursors.decode(cursors.encode('room_2', 30), 'room_1', 'after', bounds), (error) => codeAndDetails(error).code === ErrorCode.BadUserInput);
    assert.throws(() => cursors.decode('not-a-cursor', 'room_1', 'after', bounds), (error) => codeAndDetails(error).code === ErrorCode.BadUserInput);
  });
});
