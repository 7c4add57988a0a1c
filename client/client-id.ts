// Idempotency keys for sendMessage. crypto.getRandomValues exists in every browser context and in Node;
// crypto.randomUUID does not (browsers hide it outside secure contexts, e.g. a LAN address over http).

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** 128 random bits as 32 hex characters behind a `c_` prefix (34 characters; the server allows 128). */
export const newClientId = (): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let id = 'c_';
  for (const byte of bytes) id += HEX[byte] ?? '00';
  return id;
};
