// An id a proxy or client sent is kept when it looks like an id: short, printable, no spaces, so that it
// cannot forge log lines or bloat them. Anything else is replaced by our own.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:/+=-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/** The incoming `x-request-id` when it is sane, else a fresh one from `fresh`. */
export const requestIdFor = (incoming: string | null, fresh: () => string): string =>
  incoming !== null && SANE_REQUEST_ID.test(incoming) ? incoming : fresh();
