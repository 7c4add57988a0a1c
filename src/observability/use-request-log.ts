import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import type { Clock } from '../lib/clock.js';
import { createIdSequence } from '../lib/random-id.js';
import { isAsyncIterable } from '../lib/is-async-iterable.js';
import { operationInfo, outcomeOf } from './operation-info.js';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';
import { flatLineLogger, flatLineWriter } from './logger.js';

/** What is known about one HTTP request by the time its response leaves. */
interface RequestRecord {
  readonly id: string;
  readonly path: string;
  readonly startedAt: number;
  userId?: string;
  operationName?: string | undefined;
  operationType?: string;
  outcome?: string;
}

/** The fields of our context these lines use; yoga's plugin hooks see the context untyped. */
type LoggedContext = { request: Request; principal?: Principal; connectionId?: string };

// Probes and scrapes would drown the requests that matter: they are logged at debug.
const QUIET_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

const pathOf = (url: string): string => {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
};

const optional = (key: string, value: string | undefined): string => (value === undefined ? '' : `,"${key}":${JSON.stringify(value)}`);
const finite = (value: number): string => (Number.isFinite(value) ? String(value) : 'null');

/** The `request` line's fields, serialized as pino would (undefined ones left out). */
const requestFields = (record: RequestRecord, method: string, status: number, durationMs: number): string =>
  `,"requestId":${JSON.stringify(record.id)},"method":${JSON.stringify(method)},"path":${JSON.stringify(record.path)}` +
  `,"status":${finite(status)},"durationMs":${finite(durationMs)}` +
  optional('userId', record.userId) +
  optional('operationName', record.operationName) +
  optional('operationType', record.operationType) +
  optional('outcome', record.outcome);

/**
 * Structured logs for operations: one `request` line per HTTP request (its request id, which is echoed
 * in `x-request-id`, status, duration, and the caller and operation when it ran one), and one `operation`
 * line per query or mutation over graphql-ws (with the socket's connection id). Lines carry names and
 * ids only: never a token, variables or a message body.
 */
export const useRequestLog = ({ logger: parent, clock }: { logger: Logger; clock: Clock }): Plugin<LoggedContext> => {
  const logger = flatLineLogger(parent);
  const requestLines = flatLineWriter(parent);
  const records = new WeakMap<Request, RequestRecord>();
  const nextId = createIdSequence('req');
  // `path` is given by onRequest, which has the URL parsed already; parsing it again costs a few µs.
  const recordOf = (request: Request, path?: string): RequestRecord => {
    let record = records.get(request);
    if (!record) {
      record = { id: requestIdFor(request.headers.get(REQUEST_ID_HEADER), nextId), path: path ?? pathOf(request.url), startedAt: clock.now() };
      records.set(request, record);
    }
    return record;
  };

  const noteOperation = (context: LoggedContext, info: ReturnType<typeof operationInfo>): RequestRecord | undefined => {
    const record = records.get(context.request);
    if (!record) return undefined;
    record.operationName = info.name;
    record.operationType = info.type;
    if (context.principal) record.userId = context.principal.userId;
    return record;
  };

  return {
    onRequest({ request, url }) {
      const record = recordOf(request, url.pathname);
      logger.debug({ requestId: record.id, method: request.method, path: record.path }, 'request received');
    },
    onExecute({ args }) {
      const context = args.contextValue;
      const info = operationInfo(args.document, args.operationName);
      const record = noteOperation(context, info);
      const startedAt = clock.now();
      return {
        onExecuteDone({ result }) {
          if (isAsyncIterable(result)) return;
          const outcome = outcomeOf(result as ExecutionResult); // not an async iterable: a single result
          if (record) {
            record.outcome = outcome;
            return;
          }
          // graphql-ws operations have no HTTP request of their own: one line each, with their socket.
          logger.info(
            {
              connectionId: context.connectionId,
              userId: context.principal?.userId,
              operationName: info.name,
              operationType: info.type,
              outcome,
              durationMs: clock.now() - startedAt,
            },
            'operation',
          );
        },
      };
    },
    onSubscribe({ args }) {
      noteOperation(args.contextValue, operationInfo(args.document, args.operationName));
    },
    onResponse({ request, response }) {
      const record = recordOf(request);
      try {
        response.headers.set(REQUEST_ID_HEADER, record.id);
      } catch {
        // A response with immutable headers (none of ours) goes out without the echo.
      }
      const level = QUIET_PATHS.has(record.path) ? 'debug' : 'info';
      if (requestLines.enabled(level)) {
        requestLines.write(level, requestFields(record, request.method, response.status, clock.now() - record.startedAt), 'request');
      }
    },
  };
};
