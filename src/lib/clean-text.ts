// C0 controls, DEL and C1 controls.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Text that every store and every serializer on the way takes as it is: well-formed UTF-16 (no lone
 * surrogate, which UTF-8 cannot carry and Lua's cjson refuses to decode) and no NUL (which C strings
 * and PostgreSQL's text type cut or refuse).
 */
export const isCleanText = (text: string): boolean => text.isWellFormed() && !text.includes('\0');

/** Clean text that is also an id or a key: no control character, so that logs and joined keys stay readable. */
export const isCleanKey = (text: string): boolean => text.isWellFormed() && !CONTROL_CHARACTER.test(text);
