import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../lib/clock.js';
import type { Metrics, StreamTransport } from './metrics.js';

const TRANSPORTS: readonly StreamTransport[] = ['ws', 'sse'];
// Seconds, from a millisecond on loopback to a few seconds across a busy Redis.
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Metrics on a registry of their own (createApp may run more than once in a process), with prom-client's
 * default process and Node.js metrics beside Roomcast's. See the metrics table in docs/operations.md.
 */
export const createPrometheusMetrics = ({ clock }: { clock: Clock }): Metrics => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const frames: Metrics['frames'] = { ws: { count: 0 }, sse: { count: 0 } };
  const reported: Record<StreamTransport, number> = { ws: 0, sse: 0 };
  new Counter({
    name: 'roomcast_deliveries_total',
    help: 'Frames written to subscribers (one per event per subscriber), by transport.',
    labelNames: ['transport'],
    registers,
    collect() {
      for (const transport of TRANSPORTS) {
        const count = frames[transport].count;
        this.inc({ transport }, count - reported[transport]);
        reported[transport] = count;
      }
    },
  });
  const connections = new Gauge({
    name: 'roomcast_connections_open',
    help: 'Open streaming connections: acknowledged graphql-ws sockets, and HTTP subscription streams (SSE).',
    labelNames: ['transport'],
    registers,
  });
  for (const transport of TRANSPORTS) connections.set({ transport }, 0);
  const subscriptions = new Gauge({
    name: 'roomcast_subscriptions_active',
    help: 'Subscriptions running now, by Subscription field, over both transports.',
    labelNames: ['field'],
    registers,
  });
  const latency = new Histogram({
    name: 'roomcast_delivery_latency_seconds',
    help: "From a message's creation to this instance having handed it to its local subscribers; once per message per instance.",
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const slowConsumers = new Counter({
    name: 'roomcast_slow_consumers_cut_total',
    help: 'Subscribers cut off for not reading past MAX_SOCKET_BUFFER_BYTES (graphql-ws close 4008, SSE SLOW_CONSUMER), by transport.',
    labelNames: ['transport'],
    registers,
  });
  const engineErrors = new Counter({
    name: 'roomcast_engine_errors_total',
    help: 'Failures the engine reported: lost or refused Redis connections, failed background upkeep, unreadable events.',
    registers,
  });
  const operations = new Counter({
    name: 'roomcast_operations_total',
    help: 'Queries and mutations executed (HTTP and graphql-ws), by operation type and outcome (ok or the error code).',
    labelNames: ['type', 'outcome'],
    registers,
  });
  const rateLimited = new Counter({
    name: 'roomcast_rate_limited_total',
    help: 'Writes refused with RATE_LIMITED, by budget class.',
    labelNames: ['class'],
    registers,
  });
  const timerLateness = new Histogram({
    name: 'roomcast_timer_lateness_seconds',
    help: "How late this instance's scheduler emitted a tick or finish, after its ideal instant.",
    buckets: LATENCY_BUCKETS,
    registers,
  });
  let timersRunning: (() => Promise<number>) | undefined;
  new Gauge({
    name: 'roomcast_timers_running',
    help: 'RUNNING timers in the engine (on Redis: all instances together; every instance reports the same number).',
    registers,
    async collect() {
      if (!timersRunning) return;
      try {
        this.set(await timersRunning());
      } catch {
        // The engine is unreachable: the last value stands; readiness and engine errors say why.
      }
    },
  });

  return {
    frames,
    connectionOpened: (transport) => connections.inc({ transport }),
    connectionClosed: (transport) => connections.dec({ transport }),
    subscriptionOpened: (field) => subscriptions.inc({ field }),
    subscriptionClosed: (field) => subscriptions.dec({ field }),
    fannedOut(event) {
      if (event.kind !== 'message') return;
      // Instances' clocks may differ a little: a negative difference is clamped rather than dropped.
      latency.observe(Math.max(0, clock.now() - event.message.createdAt) / 1000);
    },
    slowConsumerCut: (transport) => slowConsumers.inc({ transport }),
    engineError: () => engineErrors.inc(),
    operation: (type, outcome) => operations.inc({ type, outcome }),
    rateLimited: (writeClass) => rateLimited.inc({ class: writeClass }),
    timerEmitted: (idealAt, emittedAt) => timerLateness.observe(Math.max(0, emittedAt - idealAt) / 1000),
    countTimersRunning(source) {
      timersRunning = source;
    },
    preset({ subscriptionFields, writeClasses }) {
      for (const field of subscriptionFields) subscriptions.inc({ field }, 0);
      for (const writeClass of writeClasses) rateLimited.inc({ class: writeClass }, 0);
      for (const transport of ['ws', 'sse'] as const) slowConsumers.inc({ transport }, 0);
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
};
