import { GraphQLScalarType, Kind } from 'graphql';
import { badInput } from '../errors/index.js';

const toEpochMs = (value: unknown): number => {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw badInput('DateTime must be an ISO-8601 string');
  return ms;
};

/** Epoch milliseconds inside the server, ISO-8601 strings on the wire. */
export const DateTimeScalar = new GraphQLScalarType<number, string>({
  name: 'DateTime',
  serialize(value) {
    const ms = value instanceof Date ? value.getTime() : value;
    if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TypeError('DateTime must be epoch milliseconds');
    return new Date(ms).toISOString();
  },
  parseValue: toEpochMs,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badInput('DateTime must be an ISO-8601 string');
    return toEpochMs(ast.value);
  },
});
