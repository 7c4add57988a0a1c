/**
 * A small seeded pseudo-random generator (mulberry32), so that a fuzz run is the same run every time and a
 * failure names a seed and a case index that reproduce it. Not for anything that needs real randomness.
 */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** True with probability `p`. */
  chance(p: number): boolean;
  bytes(length: number): Buffer;
  /** `length` characters drawn from `alphabet`. */
  string(length: number, alphabet: string): string;
}

export const seededRandom = (seed: number): SeededRandom => {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)] as T; // an index within the non-empty list
    },
    chance: (p) => next() < p,
    bytes: (length) => Buffer.from(Array.from({ length }, () => int(0, 255))),
    string: (length, alphabet) => Array.from({ length }, () => alphabet[int(0, alphabet.length - 1)] ?? '').join(''),
  };
};
