import { z } from 'zod';

/** Per-user budgets of writes, by class of write (same shape as services/write-limits.ts expects). */
export type WriteBudgets = Readonly<Record<'messages' | 'typing' | 'receipts' | 'timers' | 'rooms', { points: number; durationSec: number }>>;

// The development secret is public on purpose: it only lets a newcomer try the API locally.
// Production refuses to start with it (see the refinement below).
export const DEV_JWT_SECRET = 'roomcast-development-secret-do-not-use-in-production';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// `<points>/<seconds>`: a budget of calls per user per window, e.g. `30/10`.
const budget = (fallback: string) =>
  z
    .string()
    .regex(/^\d{1,6}\/\d{1,6}$/, 'must look like <points>/<seconds>, e.g. 30/10')
    .default(fallback)
    .transform((value) => {
      const [points, durationSec] = value.split('/').map(Number);
      return { points: points ?? 0, durationSec: durationSec ?? 0 };
    })
    .refine((b) => b.points >= 1 && b.durationSec >= 1, 'points and seconds must be at least 1');

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

// Browsers send an Origin as scheme://host[:port], lower-case, default port omitted: entries are compared
// in that serialized form, so `HTTPS://App.Example:443` is accepted as `https://app.example`.
const originList = z.string().transform((value, ctx) =>
  value.split(',').flatMap((raw) => {
    const entry = raw.trim();
    const url = URL.canParse(entry) ? new URL(entry) : undefined;
    const bare = url && url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
    if (url && bare && (url.protocol === 'http:' || url.protocol === 'https:')) return [url.origin];
    ctx.addIssue({ code: 'custom', message: `"${entry}" is not an origin: http(s)://host[:port], no path` });
    return [];
  }),
);

// Every variable the server reads. Each limit's default is the contract's bound; the README's
// configuration table lists exactly these keys (a test compares the two).
export const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: int(0, 65535, 4000),
    HOST: z.string().min(1).default('127.0.0.1'),
    JWT_SECRET: z.string().min(16, 'JWT_SECRET must be at least 16 characters').optional(),
    REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'REDIS_URL must be a redis:// or rediss:// URL' }).optional(),
    LOG_LEVEL: z.enum(logLevels).default('info'),
    MAX_QUERY_DEPTH: int(2, 50, 10),
    // graphql's and GraphiQL's own introspection query is 21 deep (its TypeRef fragment nests `ofType` 9 times).
    MAX_INTROSPECTION_DEPTH: int(21, 100, 24),
    MAX_VARIABLES_DEPTH: int(2, 1_000, 32),
    MAX_QUERY_TOKENS: int(50, 100_000, 2_000),
    MAX_QUERY_ALIASES: int(1, 1_000, 30),
    MAX_BODY_BYTES: int(1_024, 16 * 1024 * 1024, 1024 * 1024),
    REFUSED_BODY_DRAIN_BYTES: int(0, 1024 * 1024 * 1024, 4 * 1024 * 1024),
    REFUSED_BODY_DRAIN_MS: int(0, 60_000, 5_000),
    MAX_PAGE_SIZE: int(1, 100, 100),
    DEFAULT_PAGE_SIZE: int(1, 100, 20),
    MAX_SUBSCRIPTION_BUFFER: int(16, 1_000_000, 1_000),
    MAX_SOCKET_BUFFER_BYTES: int(16 * 1024, 1024 * 1024 * 1024, 4 * 1024 * 1024),
    PRESENCE_GRACE_MS: int(0, 10_000, 5_000),
    TYPING_TTL_MS: int(500, 10_000, 5_000),
    KEEPALIVE_MS: int(100, 60_000, 12_000),
    REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1…64)').default('roomcast'),
    PRESENCE_TTL_MS: int(1_000, 120_000, 15_000),
    TIMER_POLL_MS: int(20, 10_000, 250),
    RATE_LIMIT_MESSAGES: budget('30/10'),
    RATE_LIMIT_TYPING: budget('20/10'),
    RATE_LIMIT_RECEIPTS: budget('60/10'),
    RATE_LIMIT_TIMERS: budget('20/10'),
    RATE_LIMIT_ROOMS: budget('20/60'),
    // Under the contract's 10 s, so that the process is gone within it even when the deadline is hit.
    SHUTDOWN_TIMEOUT_MS: int(500, 10_000, 9_000),
    METRICS_ENABLED: z.stringbool().default(true),
    ALLOWED_ORIGINS: originList.optional(),
    MAX_CONNECTIONS_PER_USER: int(1, 100_000, 30),
    MAX_SUBSCRIPTIONS_PER_CONNECTION: int(1, 10_000, 100),
    RATE_LIMIT_CONNECTIONS: budget('60/10'),
  });

type Env = z.infer<typeof EnvSchema>;

export interface Config {
  readonly nodeEnv: Env['NODE_ENV'];
  readonly port: number;
  readonly host: string;
  readonly jwtSecret: string;
  /** True when JWT_SECRET was not set and the public development secret is in use. */
  readonly usingDevSecret: boolean;
  readonly redisUrl: string | undefined;
  readonly redis: Readonly<{ keyPrefix: string; presenceTtlMs: number; timerPollMs: number }>;
  readonly logLevel: Env['LOG_LEVEL'];
  /** From SIGTERM/SIGINT to a forced exit. */
  readonly shutdownTimeoutMs: number;
  /** Serve Prometheus metrics on `GET /metrics`. */
  readonly metricsEnabled: boolean;
  /** Origins allowed to open a WebSocket or get a CORS grant; undefined: any origin. */
  readonly allowedOrigins: readonly string[] | undefined;
  readonly limits: Readonly<{
    maxQueryDepth: number;
    /** Depth allowed to documents that select `__schema`, which MAX_QUERY_DEPTH does not count. */
    maxIntrospectionDepth: number;
    /** Nesting of a request's `variables` and `extensions` objects. */
    maxVariablesDepth: number;
    maxQueryTokens: number;
    maxQueryAliases: number;
    maxBodyBytes: number;
    /** What of a refused (413) body is read and thrown away, at most, before its connection is closed. */
    refusedBodyDrain: Readonly<{ maxBytes: number; timeoutMs: number }>;
    maxPageSize: number;
    defaultPageSize: number;
    maxSubscriptionBuffer: number;
    /** Unsent bytes a graphql-ws socket or SSE response may hold before the subscriber is cut off. */
    maxSocketBufferBytes: number;
    presenceGraceMs: number;
    typingTtlMs: number;
    keepAliveMs: number;
    writeBudgets: WriteBudgets;
    /** graphql-ws sockets plus SSE streams one user may hold on one instance. */
    maxConnectionsPerUser: number;
    maxSubscriptionsPerConnection: number;
    /** WebSocket upgrades per client IP per window, counted through the engine. */
    connectionAttempts: Readonly<{ points: number; durationSec: number }>;
  }>;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; reports every bad key at once. */
export const loadConfig = (env: Record<string, string | undefined>): Config => {
  // Empty strings mean "unset" (e.g. `REDIS_URL= npm start`), not "invalid".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = EnvSchema.safeParse(present);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
  // Cross-key rules are checked here rather than in a zod refinement, which would only run once
  // every other key is valid: an operator should see all problems in one start.
  if (present['NODE_ENV'] === 'production' && present['JWT_SECRET'] === undefined) {
    problems.push('JWT_SECRET: required when NODE_ENV=production');
  }
  if (parsed.success && parsed.data.DEFAULT_PAGE_SIZE > parsed.data.MAX_PAGE_SIZE) {
    problems.push('DEFAULT_PAGE_SIZE: must not exceed MAX_PAGE_SIZE');
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return Object.freeze({
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    jwtSecret: e.JWT_SECRET ?? DEV_JWT_SECRET,
    usingDevSecret: e.JWT_SECRET === undefined,
    redisUrl: e.REDIS_URL,
    redis: Object.freeze({ keyPrefix: e.REDIS_KEY_PREFIX, presenceTtlMs: e.PRESENCE_TTL_MS, timerPollMs: e.TIMER_POLL_MS }),
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    metricsEnabled: e.METRICS_ENABLED,
    allowedOrigins: e.ALLOWED_ORIGINS === undefined ? undefined : Object.freeze([...new Set(e.ALLOWED_ORIGINS)]),
    limits: Object.freeze({
      maxQueryDepth: e.MAX_QUERY_DEPTH,
      maxIntrospectionDepth: e.MAX_INTROSPECTION_DEPTH,
      maxVariablesDepth: e.MAX_VARIABLES_DEPTH,
      maxQueryTokens: e.MAX_QUERY_TOKENS,
      maxQueryAliases: e.MAX_QUERY_ALIASES,
      maxBodyBytes: e.MAX_BODY_BYTES,
      refusedBodyDrain: Object.freeze({ maxBytes: e.REFUSED_BODY_DRAIN_BYTES, timeoutMs: e.REFUSED_BODY_DRAIN_MS }),
      maxPageSize: e.MAX_PAGE_SIZE,
      defaultPageSize: e.DEFAULT_PAGE_SIZE,
      maxSubscriptionBuffer: e.MAX_SUBSCRIPTION_BUFFER,
      maxSocketBufferBytes: e.MAX_SOCKET_BUFFER_BYTES,
      presenceGraceMs: e.PRESENCE_GRACE_MS,
      typingTtlMs: e.TYPING_TTL_MS,
      keepAliveMs: e.KEEPALIVE_MS,
      writeBudgets: Object.freeze({
        messages: e.RATE_LIMIT_MESSAGES,
        typing: e.RATE_LIMIT_TYPING,
        receipts: e.RATE_LIMIT_RECEIPTS,
        timers: e.RATE_LIMIT_TIMERS,
        rooms: e.RATE_LIMIT_ROOMS,
      }),
      maxConnectionsPerUser: e.MAX_CONNECTIONS_PER_USER,
      maxSubscriptionsPerConnection: e.MAX_SUBSCRIPTIONS_PER_CONNECTION,
      connectionAttempts: Object.freeze(e.RATE_LIMIT_CONNECTIONS),
    }),
  });
};

/** The environment keys the server reads, for the README freshness test. */
export const configKeys = (): string[] => Object.keys(EnvSchema.shape);
