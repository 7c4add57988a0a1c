export { ErrorCode } from './error-code.js';
export { RoomcastError, isRoomcastError, notFound, badInput, forbidden, notImplemented } from './roomcast-error.js';
