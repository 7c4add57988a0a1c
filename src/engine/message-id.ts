// Message ids name their room and seq so that `markRead(roomId, messageId)` needs no lookup table.
// Room ids are base64url (no '.'), so the last '.' separates the two.

export const messageIdOf = (roomId: string, seq: number): string => `${roomId}.${seq}`;

// The seq exactly as messageIdOf writes it. Number() alone would also read `0x10`, `016`, `1e1` or ` 16`
// as a seq, and the id, echoed back in receipts, would name a message under an id it does not have.
const CANONICAL_SEQ = /^[1-9][0-9]{0,15}$/;

/** The room and seq of an id messageIdOf produced; undefined for anything else, however close. */
export const parseMessageId = (messageId: string): { roomId: string; seq: number } | undefined => {
  const dot = messageId.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const seqText = messageId.slice(dot + 1);
  if (!CANONICAL_SEQ.test(seqText)) return undefined;
  const seq = Number(seqText);
  if (!Number.isSafeInteger(seq)) return undefined;
  return { roomId: messageId.slice(0, dot), seq };
};
