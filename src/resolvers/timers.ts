import type { Resolvers } from '../generated/resolvers-types.js';
import { notFound } from '../errors/index.js';
import { remainingMsAt } from '../services/timers/timer-math.js';
import type { TimerStreamItem } from '../services/timers/timer-stream.js';
import { actorOf, holderOf } from './viewer-holder.js';

export const timerResolvers: Resolvers = {
  Query: {
    timer: async (_parent, { id }, { principal, services }) => (await services.timers.find(principal.userId, id)) ?? null,
  },
  Mutation: {
    startTimer: (_parent, { input }, { principal, services }) =>
      services.timers.start(actorOf({ principal }), input),
    pauseTimer: (_parent, { id }, { principal, services }) =>
      services.timers.pause(actorOf({ principal }), id),
    resumeTimer: (_parent, { id }, { principal, services }) =>
      services.timers.resume(actorOf({ principal }), id),
    stopTimer: (_parent, { id }, { principal, services }) =>
      services.timers.stop(actorOf({ principal }), id),
  },
  Subscription: {
    timerTicked: {
      subscribe: async (_parent, { timerId }, context) => {
        const stream = await context.services.timerEvents.open(holderOf(context), timerId);
        if (!stream) throw notFound('Timer');
        return stream;
      },
      resolve: (item: TimerStreamItem) => {
        if (item.kind === 'error') throw item.error;
        return item;
      },
    },
  },
  Room: {
    timers: (room, { status }, { services }) => services.timers.listByRoom(room.id, status),
  },
  Timer: {
    remainingMs: (timer, _args, { clock }) => remainingMsAt(timer, timer.asOf ?? clock.now()),
    startedBy: (timer) => ({ id: timer.startedBy, name: timer.startedByName }),
  },
  TimerTick: {
    timer: (event) => ({ ...event.timer, asOf: event.at }),
    serverTime: (_event, _args, { clock }) => clock.now(),
  },
  TimerChanged: {
    timer: (event) => ({ ...event.timer, asOf: event.at }),
  },
};
