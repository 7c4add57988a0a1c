import type { RoomEventRecord } from '../engine/types.js';

/** Transports that hold a stream open: graphql-ws sockets, and HTTP subscription streams (SSE). */
export type StreamTransport = 'ws' | 'sse';

/**
 * A count bumped on the delivery hot path as a plain number (`frames.ws.count++`); the registry reads it
 * when scraped, so a frame costs one increment and nothing else.
 */
export interface HotCounter {
  count: number;
}

/**
 * What the server reports to operators. Transports and the composition root call these; nothing in them
 * depends on the metrics library, and everything a hot path calls is a plain increment.
 */
export interface Metrics {
  /** Frames written to subscribers, by transport. */
  readonly frames: Record<StreamTransport, HotCounter>;
  connectionOpened(transport: StreamTransport): void;
  connectionClosed(transport: StreamTransport): void;
  subscriptionOpened(field: string): void;
  subscriptionClosed(field: string): void;
  /**
   * The engine has handed `event` to every local listener of its room: called once per event per
   * instance, not per subscriber. Messages feed the publish-to-deliver latency from their `createdAt`.
   */
  fannedOut(event: RoomEventRecord): void;
  /** A subscriber that stopped reading was cut off past MAX_SOCKET_BUFFER_BYTES. */
  slowConsumerCut(transport: StreamTransport): void;
  /** The engine reported a failure (lost connection, failed upkeep, unreadable event). */
  engineError(): void;
  /** A query or mutation finished: `outcome` is `ok` or the first error's code. */
  operation(type: string, outcome: string): void;
  /** A write was refused by its per-user budget. */
  rateLimited(writeClass: string): void;
  /** A timer tick or finish was emitted at `emittedAt` for its ideal instant `idealAt`. */
  timerEmitted(idealAt: number, emittedAt: number): void;
  /** Where the number of RUNNING timers is read on each scrape (the engine's, shared by every instance). */
  countTimersRunning(source: () => Promise<number>): void;
  /** Exports these label values at 0 before their first event, so dashboards see every series. */
  preset(labels: { subscriptionFields: readonly string[]; writeClasses: readonly string[] }): void;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<string>;
  readonly contentType: string;
}
