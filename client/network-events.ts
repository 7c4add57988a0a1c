// The browser's online/offline signals. A browser that goes offline does not close its open WebSockets
// (Chromium keeps them until TCP gives up, which can take minutes), so the connection treats `offline` as
// a dead socket and `online` as the moment to stop waiting between retries. Absent in Node.

export interface NetworkEvents {
  onOffline(listener: () => void): () => void;
  onOnline(listener: () => void): () => void;
}

interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

const isEventTarget = (value: unknown): value is EventTargetLike =>
  typeof value === 'object' &&
  value !== null &&
  'addEventListener' in value &&
  typeof value.addEventListener === 'function' &&
  'removeEventListener' in value &&
  typeof value.removeEventListener === 'function';

const listen = (target: EventTargetLike, type: string, listener: () => void): (() => void) => {
  target.addEventListener(type, listener);
  return () => target.removeEventListener(type, listener);
};

/** The window's `online`/`offline` events, or undefined outside a browser. */
export const globalNetworkEvents = (): NetworkEvents | undefined => {
  const target: unknown = globalThis;
  if (!isEventTarget(target)) return undefined;
  return {
    onOffline: (listener) => listen(target, 'offline', listener),
    onOnline: (listener) => listen(target, 'online', listener),
  };
};
