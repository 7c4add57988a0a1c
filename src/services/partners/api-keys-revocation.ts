import { LRUCache } from 'lru-cache';
import type { ApiKeyStore } from '../../engine/types.js';
import { ErrorCode, RoomcastError } from '../../errors/index.js';
import type { Clock } from '../../lib/clock.js';
import { ClosingIterator } from '../../lib/pull-iterator.js';
import { isLiveSource, type LiveSink, type LiveSource, type StreamItem } from '../room-stream.js';

/** Keys whose state this instance remembers; a forgotten one is read from the store again. */
const KEYS_REMEMBERED = 10_000;

/**
 * What this instance knows of revocations. The store is the truth; this remembers what it said (shared
 * by every stream of a key, one read in flight at a time) and what this instance revoked itself.
 */
export interface KeyRevocations {
  markRevoked(keyId: string): void;
  /** Revoked as far as this instance knows now, without asking the store. */
  knownRevoked(keyId: string): boolean;
  /** Revoked according to a store read that started at or after `sinceMs` (a newer one is made if needed). */
  isRevoked(keyId: string, sinceMs: number): Promise<boolean>;
}

interface KeyState {
  revoked: boolean;
  checkedAt: number;
  pending?: { startedAt: number; answer: Promise<boolean> };
}

export const createKeyRevocations = (deps: { keys: Pick<ApiKeyStore, 'get'>; clock: Clock; onError: (error: unknown) => void }): KeyRevocations => {
  const states = new LRUCache<string, KeyState>({ max: KEYS_REMEMBERED });
  const stateOf = (keyId: string): KeyState => {
    let state = states.get(keyId);
    if (!state) states.set(keyId, (state = { revoked: false, checkedAt: -Infinity }));
    return state;
  };
  return {
    markRevoked(keyId) {
      stateOf(keyId).revoked = true;
    },
    knownRevoked: (keyId) => states.get(keyId)?.revoked === true,
    isRevoked(keyId, sinceMs) {
      const state = stateOf(keyId);
      if (state.revoked) return Promise.resolve(true);
      if (state.checkedAt >= sinceMs) return Promise.resolve(false);
      if (state.pending && state.pending.startedAt >= sinceMs) return state.pending.answer;
      const startedAt = deps.clock.now();
      const answer = deps.keys.get(keyId).then(
        (key) => {
          // An unknown key counts as revoked: it cannot have authenticated anything.
          if (!key || key.revokedAt !== null) state.revoked = true;
          state.checkedAt = Math.max(state.checkedAt, startedAt);
          return state.revoked;
        },
        (error: unknown) => {
          // The store is away: streams keep going (as they do through outages) on the bus's word, which
          // orders a revocation before every later message of the room; the next check asks again.
          deps.onError(error);
          return state.revoked;
        },
      );
      const pending = { startedAt, answer };
      state.pending = pending;
      void answer.finally(() => {
        if (state.pending === pending) delete state.pending;
      });
      return answer;
    },
  };
};

const revokedItem = (): StreamItem => ({ kind: 'error', error: new RoomcastError(ErrorCode.Unauthenticated, 'API key was revoked') });

export interface KeyStreamOptions {
  keyId: string;
  revocations: KeyRevocations;
  clock: Clock;
  /** How often an open stream asks the store whether its key was revoked (the bound when the bus missed it). */
  pollMs: number;
}

/**
 * A room stream opened with an API key, ended with `UNAUTHENTICATED` once the key is revoked:
 * - at once when the revocation reaches the room's topic (the room stream then ends, in order, as for a
 *   member leaving a private room; that ending is reported here as the revocation it is);
 * - before a message read from the log is delivered, by a store read made after the message was created
 *   (a stream catching up may read a message sent after revokeApiKey before the bus's word arrives);
 * - within `pollMs` otherwise (another instance revoked it and the bus lost the event).
 * The live fast path stays: the wrapped sink refuses items once the key is known to be revoked here.
 */
export class KeyStream extends ClosingIterator<StreamItem> implements LiveSource {
  private done = false;
  private cancelPoll: (() => void) | undefined;
  private interrupt: (() => void) | undefined;
  private readonly interrupted: Promise<'revoked'>;

  constructor(
    private readonly inner: AsyncIterator<StreamItem, undefined>,
    private readonly options: KeyStreamOptions,
  ) {
    super();
    this.interrupted = new Promise((resolve) => (this.interrupt = () => resolve('revoked')));
    this.schedulePoll();
  }

  attachLive(sink: LiveSink): void {
    const { keyId, revocations } = this.options;
    if (isLiveSource(this.inner)) this.inner.attachLive((item) => !revocations.knownRevoked(keyId) && sink(item));
  }

  whenIdle(): Promise<void> {
    if (this.done || !isLiveSource(this.inner)) return Promise.resolve();
    return this.inner.whenIdle();
  }

  async next(): Promise<IteratorResult<StreamItem, undefined>> {
    if (this.done) return { done: true, value: undefined };
    const { keyId, revocations } = this.options;
    const result = await Promise.race([this.inner.next(), this.interrupted]);
    if (result === 'revoked') return this.endRevoked();
    if (result.done) {
      await this.close();
      return result;
    }
    const item = result.value;
    // For a key, a room stream ends with NOT_FOUND only when the key's id is removed from the room.
    if (item.kind === 'error' && item.error.code === ErrorCode.NotFound) {
      revocations.markRevoked(keyId);
      return this.endRevoked();
    }
    if (item.kind === 'message' && (revocations.knownRevoked(keyId) || (await revocations.isRevoked(keyId, item.message.createdAt)))) {
      return this.endRevoked();
    }
    if (item.kind === 'error') await this.close();
    return { done: false, value: item };
  }

  private async endRevoked(): Promise<IteratorResult<StreamItem, undefined>> {
    const wasDone = this.done;
    await this.close();
    return wasDone ? { done: true, value: undefined } : { done: false, value: revokedItem() };
  }

  private schedulePoll(): void {
    const { keyId, revocations, clock, pollMs } = this.options;
    this.cancelPoll = clock.setTimeout(() => {
      if (this.done) return;
      // A read from the last half interval will do: the streams of one key share their polls' reads.
      void revocations.isRevoked(keyId, clock.now() - pollMs / 2).then((revoked) => {
        if (revoked) this.interrupt?.();
        else if (!this.done) this.schedulePoll();
      });
    }, pollMs);
  }

  protected async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.cancelPoll?.();
    this.interrupt?.();
    await this.inner.return?.();
  }
}
