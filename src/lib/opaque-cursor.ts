// Cursors are opaque to clients so that their encoding can change without breaking anyone.
// They are base64url JSON arrays whose first element names the kind of cursor.

export const encodeCursor = (parts: readonly (string | number)[]): string =>
  Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');

/** The decoded parts, or undefined for anything that is not a cursor of ours. */
export const decodeCursor = (cursor: string): unknown[] | undefined => {
  if (cursor.length === 0 || cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
};
