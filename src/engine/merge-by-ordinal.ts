/**
 * Merges two ascending lists of room ordinals (the public directory and the viewer's own rooms) into one
 * ascending list without repeats, at most `limit` long. A public room the viewer joined is in both.
 */
export const mergeByOrdinal = (left: readonly number[], right: readonly number[], limit: number): number[] => {
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (merged.length < limit && (i < left.length || j < right.length)) {
    const a = left[i];
    const b = right[j];
    const next = b === undefined || (a !== undefined && a <= b) ? a : b;
    if (next === undefined) break;
    if (a === next) i++;
    if (b === next) j++;
    merged.push(next);
  }
  return merged;
};
