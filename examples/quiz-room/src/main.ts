// The quiz-room page: sign in with a pasted development token (or `#token=` in the URL), create or join
// a room, then chat, see who is online and typing, and run the shared countdown. All real-time state
// comes from the typed Roomcast client; this page only renders it. From a room, "All rooms" goes back to
// the lobby (closing the room's streams, not leaving it); "Sign out" closes the client and forgets the token.
import { createRoomcastClient, type RoomcastClient } from '../../../client/index.js';
import { bindConnection, clearError, showError } from './connection-view.js';
import { byTestId, fieldOf, showView } from './dom.js';
import { showLobby } from './lobby-view.js';
import { forgetToken, readPageParams, rememberToken, setRoomInUrl } from './page-params.js';
import { showRoom } from './room-view.js';

const GRAPHQL_URL = new URL('/graphql', location.href).toString();

const showSignedOut = (): void => {
  const pill = byTestId('connection-status', HTMLElement);
  pill.dataset['status'] = 'disconnected';
  pill.textContent = 'signed out';
  byTestId('viewer', HTMLElement).textContent = '';
  byTestId('sign-out', HTMLButtonElement).hidden = true;
  showView('sign-in');
};

const signIn = async (token: string, roomId: string | undefined): Promise<void> => {
  clearError();
  const client: RoomcastClient = createRoomcastClient({ url: GRAPHQL_URL, token });
  const unbind = bindConnection(client);
  let viewer: { id: string; name: string };
  try {
    viewer = (await client.viewer()).viewer;
  } catch (error) {
    unbind();
    await client.close();
    forgetToken();
    showSignedOut();
    showError(error);
    return;
  }
  rememberToken(token);
  byTestId('viewer', HTMLElement).textContent = viewer.name;
  let closeRoom: (() => void) | undefined;
  const leaveRoomView = () => {
    closeRoom?.();
    closeRoom = undefined;
  };

  const signOut = byTestId('sign-out', HTMLButtonElement);
  signOut.hidden = false;
  signOut.onclick = () => {
    leaveRoomView();
    unbind();
    forgetToken();
    setRoomInUrl(undefined);
    clearError();
    byTestId('sign-in-form', HTMLFormElement).reset();
    showSignedOut();
    void client.close();
  };
  byTestId('back-to-lobby', HTMLButtonElement).onclick = () => {
    leaveRoomView();
    setRoomInUrl(undefined);
    clearError();
    showLobby(client, open);
  };

  const open = (id: string) => {
    clearError();
    client.openRoom(id).then(
      (session) => {
        setRoomInUrl(id);
        leaveRoomView();
        closeRoom = showRoom(session, viewer.id);
      },
      (error: unknown) => {
        setRoomInUrl(undefined);
        showError(error);
        showLobby(client, open);
      },
    );
  };
  if (roomId) open(roomId);
  else showLobby(client, open);
};

const start = () => {
  const { token, roomId } = readPageParams();
  const form = byTestId('sign-in-form', HTMLFormElement);
  form.onsubmit = (event) => {
    event.preventDefault();
    const pasted = fieldOf(form, 'token').replace(/^Bearer\s+/i, '');
    if (pasted) void signIn(pasted, roomId);
  };
  if (token) void signIn(token, roomId);
  else showView('sign-in');
};

start();
