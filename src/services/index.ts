import type { Clock } from '../lib/clock.js';
import type { Engine } from '../engine/types.js';
import { createMessageService, type MessageService } from './messages.js';
import { createRoomEventService, type RoomEventService } from './room-events.js';
import { createRoomService, type RoomService } from './rooms.js';
import { createUserDirectory, type UserDirectory } from './users.js';
import { createTimerScheduler, type TimerScheduler } from './timers/timer-scheduler.js';
import { createTimerService, type TimerService } from './timers/timer-service.js';
import { openTimerStream, type TimerStreamItem } from './timers/timer-stream.js';

export interface Services {
  users: UserDirectory;
  rooms: RoomService;
  messages: MessageService;
  roomEvents: RoomEventService;
  timers: TimerService;
  timerEvents: {
    /** `timerTicked` for a timer the viewer may see; undefined when there is none. */
    open(viewerId: string, timerId: string): Promise<AsyncIterableIterator<TimerStreamItem> | undefined>;
  };
  /** This process's timer scheduler: `refresh()` after start, `stop()` before close. */
  timerScheduler: TimerScheduler;
}

export interface ServiceLimits {
  maxPageSize: number;
  defaultPageSize: number;
  maxSubscriptionBuffer: number;
}

/** Builds the domain services over one engine. Timers, presence, typing and receipts join here. */
export interface ServiceDeps {
  engine: Engine;
  clock: Clock;
  limits: ServiceLimits;
  onError: (error: unknown) => void;
  onTimerEmit?: (idealAt: number, emittedAt: number) => void;
}

export const createServices = ({ engine, clock, limits, onError, onTimerEmit }: ServiceDeps): Services => {
  const rooms = createRoomService({ engine, clock, limits });
  const timerScheduler = createTimerScheduler({ engine, clock, onError, ...(onTimerEmit ? { onEmit: onTimerEmit } : {}) });
  const timers = createTimerService({ engine, rooms, clock, onScheduled: (dueAt) => timerScheduler.poke(dueAt) });
  return {
    users: createUserDirectory(engine),
    rooms,
    messages: createMessageService({ engine, rooms, clock, limits }),
    roomEvents: createRoomEventService({ engine, rooms, limits }),
    timers,
    timerEvents: {
      async open(viewerId, timerId) {
        const timer = await timers.find(viewerId, timerId);
        if (!timer) return undefined;
        const room = await rooms.require(viewerId, timer.roomId);
        return openTimerStream({
          engine,
          clock,
          timer,
          viewerId,
          roomIsPrivate: room.private,
          maxBuffered: limits.maxSubscriptionBuffer,
        });
      },
    },
    timerScheduler,
  };
};
