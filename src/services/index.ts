import type { Clock } from '../lib/clock.js';
import type { Engine } from '../engine/types.js';
import { createMessageService, type MessageService } from './messages.js';
import { createRoomEventService, type RoomEventService } from './room-events.js';
import { createRoomService, type RoomService } from './rooms.js';
import { createUserDirectory, type UserDirectory } from './users.js';

export interface Services {
  users: UserDirectory;
  rooms: RoomService;
  messages: MessageService;
  roomEvents: RoomEventService;
}

export interface ServiceLimits {
  maxPageSize: number;
  defaultPageSize: number;
  maxSubscriptionBuffer: number;
}

/** Builds the domain services over one engine. Timers, presence, typing and receipts join here. */
export const createServices = (deps: { engine: Engine; clock: Clock; limits: ServiceLimits }): Services => {
  const { engine, clock, limits } = deps;
  const rooms = createRoomService({ engine, clock, limits });
  return {
    users: createUserDirectory(engine),
    rooms,
    messages: createMessageService({ engine, rooms, clock, limits }),
    roomEvents: createRoomEventService({ engine, rooms, limits }),
  };
};
