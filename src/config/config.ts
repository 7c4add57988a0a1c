import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

/** Per-user budgets of writes, by class of write (same shape as services/write-limits.ts expects). */
export type WriteBudgets = Readonly<Record<'messages' | 'typing' | 'receipts' | 'timers' | 'rooms', { points: number; durationSec: number }>>;

// The development secret is public on purpose: it only lets a newcomer try the API locally. Written out
// in JWT_SECRET it is refused unless NODE_ENV=development, and production refuses to run without a
// secret (see loadConfig): anyone who has read this file can sign tokens with it.
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

/** An address or network whose X-Forwarded-For is believed (TRUST_PROXY). */
export type TrustedProxy = Readonly<{ address: string; prefix: number; family: 'ipv4' | 'ipv6' }>;

// `10.0.0.7`, `10.0.0.0/8`, `fd00::/8`: a bare address is a network of one.
const proxyList = z.string().transform((value, ctx) =>
  value.split(',').flatMap((raw): TrustedProxy[] => {
    const entry = raw.trim();
    const [address = '', prefixText, ...rest] = entry.split('/');
    const version = isIP(address);
    const family = version === 4 ? 'ipv4' : 'ipv6';
    const bits = version === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : -1;
    if (version !== 0 && rest.length === 0 && prefix >= 0 && prefix <= bits) return [{ address, prefix, family }];
    ctx.addIssue({ code: 'custom', message: `"${entry}" is not an IP address or CIDR (e.g. 10.0.0.7, 10.0.0.0/8, fd00::/8)` });
    return [];
  }),
);

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

// A server bound only to loopback answers only this machine, so internals it shows stay on it.
const isLoopbackHost = (host: string): boolean => {
  const version = isIP(host);
  if (version === 0) return host.toLowerCase() === 'localhost';
  return loopback.check(host, version === 4 ? 'ipv4' : 'ipv6');
};

// Every variable the server reads. Each limit's default is the contract's bound; the table in
// docs/configuration.md lists exactly these keys (a test compares the two).
export const EnvSchema = z
  .object({
    // Unset is neither: no secret is required (the development one, with a warning) and no internals are shown.
    NODE_ENV: z.enum(['development', 'production', 'test']).optional(),
    PORT: int(0, 65535, 4000),
    HOST: z.string().min(1).default('127.0.0.1'),
    JWT_SECRET: z.string().min(16, 'JWT_SECRET must be at least 16 characters').optional(),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'DATABASE_URL must be a postgres:// or postgresql:// URL' }).optional(),
    DATABASE_POOL_SIZE: int(1, 1_000, 10),
    DATABASE_TIMEOUT_MS: int(100, 60_000, 5_000),
    REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'REDIS_URL must be a redis:// or rediss:// URL' }).optional(),
    HISTORY_RETENTION_DAYS: z.coerce.number().int().min(1).max(100_000).optional(),
    ENDED_TIMER_RETENTION_MS: int(0, 30 * 24 * 3_600_000, 3_600_000),
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
    ENGINE_OUTAGE_MAX_MS: int(0, 3_600_000, 60_000),
    MAX_SOCKET_BUFFER_BYTES: int(16 * 1024, 1024 * 1024 * 1024, 4 * 1024 * 1024),
    PRESENCE_GRACE_MS: int(0, 10_000, 5_000),
    TYPING_TTL_MS: int(500, 10_000, 5_000),
    KEEPALIVE_MS: int(100, 60_000, 12_000),
    SSE_HEARTBEAT_MS: int(100, 300_000, 15_000),
    WS_CLOSE_TIMEOUT_MS: int(1_000, 120_000, 30_000),
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
    // Sized for a reconnect storm from one address (docs/configuration.md, RATE_LIMIT_CONNECTIONS).
    RATE_LIMIT_CONNECTIONS: budget('300/10'),
    TRUST_PROXY: proxyList.optional(),
    ADMIN_USER_IDS: z.string().optional(),
    WEBHOOK_RETRY_BASE_MS: int(10, 3_600_000, 1_000),
    WEBHOOK_MAX_ATTEMPTS: int(1, 100, 10),
    WEBHOOK_TIMEOUT_MS: int(100, 120_000, 5_000),
    WEBHOOK_CONCURRENCY: int(1, 1_000, 16),
    WEBHOOK_ALLOW_PRIVATE_URLS: z.stringbool().default(false),
    // Keys the HMAC of API key secrets; unset: derived from JWT_SECRET (HKDF), so rotating JWT_SECRET then
    // invalidates every API key.
    API_KEY_HASH_SECRET: z.string().min(32, 'API_KEY_HASH_SECRET must be at least 32 characters').optional(),
    RATE_LIMIT_KEY_READS: budget('600/60'),
    HISTORY_CACHE_MAX_AGE_S: int(0, 31_536_000, 3_600),
    GRAPHQL_JIT: z.stringbool().default(true),
  });

type Env = z.infer<typeof EnvSchema>;

export interface Config {
  /** Undefined when NODE_ENV is unset. */
  readonly nodeEnv: Env['NODE_ENV'];
  /**
   * Errors may carry their original error and stack, and validation may suggest field names: only with
   * NODE_ENV=development and a loopback HOST. Every transport reads this.
   */
  readonly exposeInternals: boolean;
  readonly port: number;
  readonly host: string;
  readonly jwtSecret: string;
  /** True when the public development secret is in use (JWT_SECRET unset, or set to it in development). */
  readonly usingDevSecret: boolean;
  readonly databaseUrl: string | undefined;
  /** With DATABASE_URL: the pool, the bound on connecting and on each statement, and how often timers are polled. */
  readonly database: Readonly<{ poolSize: number; timeoutMs: number; timerPollMs: number }>;
  readonly redisUrl: string | undefined;
  readonly redis: Readonly<{ keyPrefix: string; presenceTtlMs: number }>;
  readonly logLevel: Env['LOG_LEVEL'];
  /** From SIGTERM/SIGINT to a forced exit. */
  readonly shutdownTimeoutMs: number;
  /** Serve Prometheus metrics on `GET /metrics`. */
  readonly metricsEnabled: boolean;
  /** Queries and mutations of the trusted documents run compiled by graphql-jit (transport/plugins/use-jit.ts). */
  readonly graphqlJit: boolean;
  /** Origins allowed to open a WebSocket or get a CORS grant; undefined: any origin. */
  readonly allowedOrigins: readonly string[] | undefined;
  /** Proxies whose X-Forwarded-For is believed when counting per-IP limits; empty: none. */
  readonly trustedProxies: readonly TrustedProxy[];
  /** User ids allowed to manage API keys and webhooks (ADMIN_USER_IDS); empty: nobody. */
  readonly adminUserIds: readonly string[];
  readonly webhooks: WebhookConfig;
  /** Partner API keys: the HMAC key of their secrets (undefined: derived from jwtSecret) and their read budget. */
  readonly apiKeys: Readonly<{ hashSecret: string | undefined; reads: Readonly<{ points: number; durationSec: number }> }>;
  /** `max-age` of a history page fetched over GET that can no longer change. */
  readonly historyCacheMaxAgeSec: number;
  /** Longest silence on an SSE stream: a comment line is written at least this often, for proxies. */
  readonly sseHeartbeatMs: number;
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
    /** How long a subscription waits, paused, for an engine that answers ENGINE_UNAVAILABLE before it ends with that code. */
    engineOutageMaxMs: number;
    /** Unsent bytes a graphql-ws socket or SSE response may hold before the subscriber is cut off. */
    maxSocketBufferBytes: number;
    presenceGraceMs: number;
    typingTtlMs: number;
    keepAliveMs: number;
    /** How long a closing graphql-ws socket waits for its peer's close frame before it is destroyed. */
    wsCloseTimeoutMs: number;
    writeBudgets: WriteBudgets;
    /** Messages older than this are deleted; undefined keeps everything. */
    historyRetentionMs: number | undefined;
    endedTimerRetentionMs: number;
    /** graphql-ws sockets plus SSE streams one user may hold on one instance. */
    maxConnectionsPerUser: number;
    maxSubscriptionsPerConnection: number;
    /** WebSocket upgrades per client IP (the last untrusted hop) per window, counted through the engine. */
    connectionAttempts: Readonly<{ points: number; durationSec: number }>;
  }>;
}

export interface WebhookConfig {
  /** The first retry waits about this long; each further one twice as long as the one before. */
  readonly retryBaseMs: number;
  /** Attempts per delivery before it is marked FAILED. */
  readonly maxAttempts: number;
  /** Bound on one delivery request (address check, connect, answer). */
  readonly timeoutMs: number;
  /** Requests in flight per instance. */
  readonly concurrency: number;
  /** Lets endpoints resolve to loopback, private or link-local addresses (tests, private networks). */
  readonly allowPrivateUrls: boolean;
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
  if (present['JWT_SECRET'] === DEV_JWT_SECRET && present['NODE_ENV'] !== 'development') {
    problems.push('JWT_SECRET: is the public development secret, which anyone can sign tokens with; it is refused unless NODE_ENV=development');
  }
  if (present['REDIS_URL'] !== undefined && present['DATABASE_URL'] === undefined) {
    problems.push(
      'REDIS_URL: set DATABASE_URL too. Redis carries only live delivery, presence and limits; rooms and messages need a store that every instance shares (PostgreSQL), or each instance would have its own history',
    );
  }
  if (parsed.success && parsed.data.DEFAULT_PAGE_SIZE > parsed.data.MAX_PAGE_SIZE) {
    problems.push('DEFAULT_PAGE_SIZE: must not exceed MAX_PAGE_SIZE');
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return Object.freeze({
    nodeEnv: e.NODE_ENV,
    exposeInternals: e.NODE_ENV === 'development' && isLoopbackHost(e.HOST),
    port: e.PORT,
    host: e.HOST,
    jwtSecret: e.JWT_SECRET ?? DEV_JWT_SECRET,
    usingDevSecret: e.JWT_SECRET === undefined || e.JWT_SECRET === DEV_JWT_SECRET,
    databaseUrl: e.DATABASE_URL,
    database: Object.freeze({ poolSize: e.DATABASE_POOL_SIZE, timeoutMs: e.DATABASE_TIMEOUT_MS, timerPollMs: e.TIMER_POLL_MS }),
    redisUrl: e.REDIS_URL,
    redis: Object.freeze({ keyPrefix: e.REDIS_KEY_PREFIX, presenceTtlMs: e.PRESENCE_TTL_MS }),
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    metricsEnabled: e.METRICS_ENABLED,
    graphqlJit: e.GRAPHQL_JIT,
    allowedOrigins: e.ALLOWED_ORIGINS === undefined ? undefined : Object.freeze([...new Set(e.ALLOWED_ORIGINS)]),
    trustedProxies: Object.freeze((e.TRUST_PROXY ?? []).map((proxy) => Object.freeze(proxy))),
    webhooks: Object.freeze({
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      concurrency: e.WEBHOOK_CONCURRENCY,
      allowPrivateUrls: e.WEBHOOK_ALLOW_PRIVATE_URLS,
    }),
    adminUserIds: Object.freeze([...new Set((e.ADMIN_USER_IDS ?? '').split(',').map((id) => id.trim()).filter((id) => id !== ''))]),
    apiKeys: Object.freeze({ hashSecret: e.API_KEY_HASH_SECRET, reads: Object.freeze(e.RATE_LIMIT_KEY_READS) }),
    historyCacheMaxAgeSec: e.HISTORY_CACHE_MAX_AGE_S,
    sseHeartbeatMs: e.SSE_HEARTBEAT_MS,
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
      engineOutageMaxMs: e.ENGINE_OUTAGE_MAX_MS,
      maxSocketBufferBytes: e.MAX_SOCKET_BUFFER_BYTES,
      presenceGraceMs: e.PRESENCE_GRACE_MS,
      typingTtlMs: e.TYPING_TTL_MS,
      keepAliveMs: e.KEEPALIVE_MS,
      wsCloseTimeoutMs: e.WS_CLOSE_TIMEOUT_MS,
      writeBudgets: Object.freeze({
        messages: e.RATE_LIMIT_MESSAGES,
        typing: e.RATE_LIMIT_TYPING,
        receipts: e.RATE_LIMIT_RECEIPTS,
        timers: e.RATE_LIMIT_TIMERS,
        rooms: e.RATE_LIMIT_ROOMS,
      }),
      historyRetentionMs: e.HISTORY_RETENTION_DAYS === undefined ? undefined : e.HISTORY_RETENTION_DAYS * 86_400_000,
      endedTimerRetentionMs: e.ENDED_TIMER_RETENTION_MS,
      maxConnectionsPerUser: e.MAX_CONNECTIONS_PER_USER,
      maxSubscriptionsPerConnection: e.MAX_SUBSCRIPTIONS_PER_CONNECTION,
      connectionAttempts: Object.freeze(e.RATE_LIMIT_CONNECTIONS),
    }),
  });
};

/** The environment keys the server reads, for the freshness test (docs/configuration.md). */
export const configKeys = (): string[] => Object.keys(EnvSchema.shape);
