// Create a room, join one by id, or pick one of the rooms the viewer can see.
import type { RoomcastClient } from '../../../client/index.js';
import { clearError, showError } from './connection-view.js';
import { byTestId, element, fieldOf, showView } from './dom.js';

export const showLobby = (client: RoomcastClient, open: (roomId: string) => void): void => {
  showView('lobby');
  const createForm = byTestId('create-room-form', HTMLFormElement);
  const joinForm = byTestId('join-room-form', HTMLFormElement);
  const list = byTestId('room-list', HTMLUListElement);

  createForm.onsubmit = (event) => {
    event.preventDefault();
    clearError();
    client.createRoom({ name: fieldOf(createForm, 'name') }).then((room) => open(room.id), showError);
  };
  joinForm.onsubmit = (event) => {
    event.preventDefault();
    clearError();
    open(fieldOf(joinForm, 'roomId'));
  };
  client.rooms({ first: 20 }).then((rooms) => {
    list.replaceChildren(
      ...rooms.edges.map(({ node }) => {
        const join = element('button', { text: 'Open' });
        join.onclick = () => open(node.id);
        return element('li', {}, [element('span', { text: `${node.name} · ${node.owner.name}` }), join]);
      }),
    );
  }, showError);
};
