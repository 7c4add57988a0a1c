// The connection status pill and the banners: one while the socket is being re-established (everything
// typed meanwhile is queued and sent once it is back), one when the client gave up (e.g. a token the
// server refuses).
import type { RoomcastClient } from '../../../client/index.js';
import { byTestId } from './dom.js';

export const bindConnection = (client: RoomcastClient): (() => void) => {
  const pill = byTestId('connection-status', HTMLElement);
  const reconnecting = byTestId('reconnecting-banner', HTMLElement);
  const failed = byTestId('error-banner', HTMLElement);
  const unwatchStatus = client.status.subscribe((status) => {
    pill.dataset['status'] = status;
    pill.textContent = status;
    reconnecting.hidden = status !== 'reconnecting';
  });
  const unwatchFailure = client.failure.subscribe((failure) => {
    failed.hidden = failure === null;
    failed.textContent = failure ? `Disconnected (${failure.code}). Sign in again with a fresh token.` : '';
  });
  return () => {
    unwatchStatus();
    unwatchFailure();
  };
};

/** Shows an error from an action (create, join, start…) with its stable code. */
export const showError = (error: unknown): void => {
  const banner = byTestId('error-banner', HTMLElement);
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : 'ERROR';
  banner.textContent = `${code}: ${error instanceof Error ? error.message : String(error)}`;
  banner.hidden = false;
};

export const clearError = (): void => {
  byTestId('error-banner', HTMLElement).hidden = true;
};
