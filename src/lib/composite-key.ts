/**
 * One map key for several strings, unambiguous whatever they contain: joined with a separator,
 * ('a\nb', 'c') and ('a', 'b\nc') would be the same key. A JSON array keeps the parts apart.
 */
export const compositeKey = (...parts: readonly string[]): string => JSON.stringify(parts);
