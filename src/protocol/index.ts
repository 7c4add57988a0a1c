// The wire that the server (src/) and the client (client/) share: imported by both, importing nothing.
export { CloseCode } from './close-codes.js';
export { ErrorCode } from './error-codes.js';
export { GRAPHQL_PATH, RoomEventType, SseEvent } from './events.js';
