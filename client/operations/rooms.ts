import { graphql } from '../generated/index.js';

export const createRoomMutation = graphql(`
  mutation CreateRoom($input: CreateRoomInput!) {
    createRoom(input: $input) {
      id
      name
      private
      owner { id name }
      members { id name }
      createdAt
    }
  }
`);

export const joinRoomMutation = graphql(`
  mutation JoinRoom($roomId: ID!) {
    joinRoom(roomId: $roomId) { id name private headCursor members { id name } }
  }
`);

export const leaveRoomMutation = graphql(`
  mutation LeaveRoom($roomId: ID!) {
    leaveRoom(roomId: $roomId) { id name private members { id name } }
  }
`);

// Read once the room's event stream is open: later changes arrive on the stream.
export const roomOnlineQuery = graphql(`
  query RoomOnline($id: ID!) {
    room(id: $id) { id online { id name } }
  }
`);

export const roomsQuery = graphql(`
  query Rooms($first: Int, $after: String) {
    rooms(first: $first, after: $after) {
      edges { cursor node { id name private owner { id name } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`);

export const roomQuery = graphql(`
  query Room($id: ID!) {
    room(id: $id) { id name private headCursor owner { id name } members { id name } }
  }
`);
