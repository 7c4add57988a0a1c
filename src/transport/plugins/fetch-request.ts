// yoga's Request may come from @whatwg-node/fetch rather than Node's global class, so `instanceof
// Request` cannot tell; the shape can. Used to find the Request in yoga's context object.
export const isFetchRequest = (value: unknown): value is Request =>
  typeof value === 'object' && value !== null && 'method' in value && 'headers' in value && 'url' in value;
