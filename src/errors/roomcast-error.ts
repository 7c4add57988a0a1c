import { GraphQLError } from 'graphql';
import { ErrorCode } from './error-code.js';

/** HTTP status yoga answers with when a request-level error carries this code. */
const httpStatusByCode: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.Unauthenticated]: 401,
};

/** The only error type services throw: a GraphQL error whose `extensions.code` is stable. */
export class RoomcastError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    const status = httpStatusByCode[code];
    super(message, { extensions: { code, ...details, ...(status ? { http: { status } } : {}) } });
    this.code = code;
    this.name = 'RoomcastError';
  }
}

export const isRoomcastError = (error: unknown): error is RoomcastError => error instanceof RoomcastError;

export const notFound = (what: string): RoomcastError => new RoomcastError(ErrorCode.NotFound, `${what} not found`);
export const badInput = (message: string, details: Record<string, unknown> = {}): RoomcastError =>
  new RoomcastError(ErrorCode.BadUserInput, message, details);
export const forbidden = (message: string): RoomcastError => new RoomcastError(ErrorCode.Forbidden, message);
