import type { ErrorCode } from './error-code.js';

/**
 * A GraphQL response carrying one coded error, for refusals written outside GraphQL execution (a body too
 * large, a malformed HTTP request, a content type yoga cannot read, an SSE subscriber cut off), so that
 * they read like every other error of the API.
 */
export const codedErrorResponse = (code: ErrorCode, message: string) => ({ errors: [{ message, extensions: { code } }] });
