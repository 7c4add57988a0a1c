// The frames written straight to subscribers' sockets must be exactly what ws itself would write, at every
// length boundary of the header.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRequire } from 'node:module';
import { textFrame } from '../../src/transport/text-frames.js';

// ws's own framing (its Sender class, which @types/ws does not declare).
const Sender = (createRequire(import.meta.url)('ws') as { Sender: { frame(data: Buffer, options: object): Buffer[] } }).Sender;

const wsFrame = (text: string): Buffer => {
  const data = Buffer.from(text);
  const parts = Sender.frame(data, { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false });
  return Buffer.concat(parts);
};

describe('text frames', () => {
  for (const length of [0, 1, 125, 126, 127, 65_535, 65_536, 200_000]) {
    it(`matches ws for a ${length}-byte payload split in three parts`, () => {
      const text = 'é'.repeat(Math.floor(length / 2)) + 'x'.repeat(length % 2);
      const bytes = Buffer.from(text);
      assert.equal(bytes.length, length);
      const third = Math.floor(length / 3);
      const parts = [bytes.subarray(0, third), bytes.subarray(third, 2 * third), bytes.subarray(2 * third)];
      assert.deepEqual(textFrame(parts), wsFrame(text));
    });
  }

  it('joins an envelope around a shared payload', () => {
    const payload = Buffer.from('{"data":{"messageAdded":{"seq":1}}}');
    const frame = textFrame([Buffer.from('{"id":"a","type":"next","payload":'), payload, Buffer.from('}')]);
    assert.deepEqual(frame, wsFrame('{"id":"a","type":"next","payload":{"data":{"messageAdded":{"seq":1}}}}'));
  });
});
