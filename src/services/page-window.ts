import { badInput } from '../errors/index.js';

export interface PageArgs {
  first?: number | null | undefined;
  last?: number | null | undefined;
  /** Exclusive lower bound (the `after` cursor's seq), or undefined. */
  afterSeq?: number | undefined;
  /** Exclusive upper bound (the `before` cursor's seq), or undefined. */
  beforeSeq?: number | undefined;
}

export interface PageWindow {
  /** Inclusive seq bounds; empty when `fromSeq > toSeq`. */
  fromSeq: number;
  toSeq: number;
  hasPreviousPage: boolean;
  hasNextPage: boolean;
}

export const checkPageSize = (name: 'first' | 'last', value: number | null | undefined, max: number): void => {
  if (value === null || value === undefined) return;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw badInput(`\`${name}\` must be between 0 and ${max}`, { argument: name, max });
  }
};

/**
 * The Relay window over a dense sequence `prunedThrough + 1 … head` (retention deletes from the start):
 * slice by `after`/`before`, then keep the first `first`, then the last `last`. With neither `first` nor
 * `last`, the first `defaultSize` are taken. Because seqs are dense, whether items exist before or after
 * the page is exact, whatever the direction.
 */
export const pageWindow = (
  { head, prunedThrough }: { head: number; prunedThrough: number },
  args: PageArgs,
  limits: { max: number; defaultSize: number },
): PageWindow => {
  checkPageSize('first', args.first, limits.max);
  checkPageSize('last', args.last, limits.max);
  const oldest = prunedThrough + 1;
  let fromSeq = Math.max(oldest, (args.afterSeq ?? 0) + 1);
  let toSeq = Math.min(head, (args.beforeSeq ?? head + 1) - 1);
  const first = args.first ?? (args.last == null ? limits.defaultSize : undefined);
  if (first != null) toSeq = Math.min(toSeq, fromSeq + first - 1);
  if (args.last != null) fromSeq = Math.max(fromSeq, toSeq - args.last + 1);
  // Also right for an empty page: something exists before it iff some kept seq is below fromSeq.
  return { fromSeq, toSeq, hasPreviousPage: Math.min(fromSeq - 1, head) >= oldest, hasNextPage: toSeq < head };
};
