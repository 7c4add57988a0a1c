// The codes are part of the wire, so they live in protocol/ (shared with client/); re-exported here for
// the server's modules, which know them as errors.
export { ErrorCode } from '../protocol/error-codes.js';
