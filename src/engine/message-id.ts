// Message ids name their room and seq so that `markRead(roomId, messageId)` needs no lookup table.
// Room ids are base64url (no '.'), so the last '.' separates the two.

export const messageIdOf = (roomId: string, seq: number): string => `${roomId}.${seq}`;

export const parseMessageId = (messageId: string): { roomId: string; seq: number } | undefined => {
  const dot = messageId.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const seq = Number(messageId.slice(dot + 1));
  if (!Number.isSafeInteger(seq) || seq < 1) return undefined;
  return { roomId: messageId.slice(0, dot), seq };
};
