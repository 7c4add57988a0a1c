// What the page reads from its URL: `#token=<jwt>` signs in without pasting (the browser tests use it),
// `#room=<id>` opens a room. The token is kept in sessionStorage (this tab only) and removed from the
// address bar at once, so it is not left in history or shown on screen.
const TOKEN_KEY = 'roomcast-demo-token';

export interface PageParams {
  token: string | undefined;
  roomId: string | undefined;
}

export const readPageParams = (): PageParams => {
  const params = new URLSearchParams(location.hash.slice(1));
  const fromHash = params.get('token') ?? undefined;
  if (fromHash) sessionStorage.setItem(TOKEN_KEY, fromHash);
  const roomId = params.get('room') ?? undefined;
  if (fromHash) setRoomInUrl(roomId);
  return { token: fromHash ?? sessionStorage.getItem(TOKEN_KEY) ?? undefined, roomId };
};

export const rememberToken = (token: string): void => sessionStorage.setItem(TOKEN_KEY, token);
export const forgetToken = (): void => sessionStorage.removeItem(TOKEN_KEY);

/** Puts the open room (or none) in the URL, so a reload or a shared link opens it again. */
export const setRoomInUrl = (roomId: string | undefined): void => {
  history.replaceState(null, '', roomId ? `#room=${encodeURIComponent(roomId)}` : location.pathname);
};
