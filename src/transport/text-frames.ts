/**
 * Server-to-client WebSocket text frames (RFC 6455 §5.2: FIN set, opcode 1, unmasked), built in one
 * buffer from parts that are already bytes.
 *
 * A room event reaches every subscriber with the same payload and a different operation id. ws's `send`
 * would take each subscriber's message as a new string, measure and encode it, and write a header and the
 * body as two chunks; here the payload is encoded once per event and each delivery is one copy into one
 * buffer and one socket write. Only for sockets without extensions: a compressed or otherwise transformed
 * stream must go through ws.
 */

const FIN_TEXT = 0x81;
const LENGTH_16 = 126;
const LENGTH_64 = 127;

const headerLength = (payloadLength: number): number => (payloadLength < LENGTH_16 ? 2 : payloadLength <= 0xffff ? 4 : 10);

/** One text frame whose payload is `parts` in order; `parts` must be valid UTF-8 together. */
export const textFrame = (parts: readonly Uint8Array[]): Buffer => {
  let payloadLength = 0;
  for (const part of parts) payloadLength += part.length;
  let offset = headerLength(payloadLength);
  // allocUnsafe: every byte is written below. Small frames come from Node's shared pool.
  const frame = Buffer.allocUnsafe(offset + payloadLength);
  frame[0] = FIN_TEXT;
  if (offset === 2) {
    frame[1] = payloadLength;
  } else if (offset === 4) {
    frame[1] = LENGTH_16;
    frame.writeUInt16BE(payloadLength, 2);
  } else {
    frame[1] = LENGTH_64;
    frame.writeBigUInt64BE(BigInt(payloadLength), 2);
  }
  for (const part of parts) {
    frame.set(part, offset);
    offset += part.length;
  }
  return frame;
};
