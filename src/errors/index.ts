export { ErrorCode } from './error-code.js';
export { RoomcastError, isRoomcastError, notFound, badInput, forbidden } from './roomcast-error.js';
