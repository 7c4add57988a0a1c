export { ErrorCode } from './error-code.js';
export { codedErrorResponse } from './error-body.js';
export { RoomcastError, isRoomcastError, notFound, badInput, forbidden } from './roomcast-error.js';
