// Everything an app shows for one open room, kept current over reconnects: the timeline (messages in
// seq order, each once, then the viewer's outgoing ones), who is online and typing, and the shared
// countdown. One `roomEvents` subscription carries messages and timer changes and is resubscribed by the
// connection with the last delivered cursor as `after`, so a reconnect replays exactly what was missed.
// An empty room starts from its head cursor (`Room.headCursor`), so there is always a cursor to replay from.
// A stream the server ends with SLOW_CONSUMER or ENGINE_UNAVAILABLE is resubscribed the same way.
import { ErrorCode, RoomEventType } from '../src/protocol/index.js';
import { backoffDelayMs, type BackoffOptions } from './backoff.js';
import type { ClientClock } from './client-clock.js';
import type { Connection } from './connection.js';
import { isResumable, RoomcastClientError } from './errors.js';
import type { HttpApi, Message, Timer } from './http-api.js';
import { createMessageLog } from './message-log.js';
import { createValue, type ObservableValue } from './observable-value.js';
import { roomEventsSubscription } from './operations/messages.js';
import { presenceSubscription, typingSubscription } from './operations/presence.js';
import { timerTickedSubscription } from './operations/timers.js';
import { createOutbox, type OutgoingMessage } from './outbox.js';
import { createPeopleSet, type Person } from './people.js';
import { createServerCountdown, type CountdownView } from './server-countdown.js';
import { subscribeTyped } from './typed-subscribe.js';
import { createTypingNotifier } from './typing-notifier.js';

export interface TimelineEntry {
  /** The message id once the server has it; the clientId while it is outgoing. */
  key: string;
  /** `sent`: stored by the server and delivered by the stream, in seq order. */
  status: 'sent' | 'pending' | 'failed';
  seq: number | null;
  body: string;
  author: Person;
  clientId: string | null;
  createdAt: string | null;
  /** The server's (or the client's) error code of a `failed` message. */
  errorCode: string | null;
}

export interface RoomSessionOptions {
  /** Messages of history shown when the room opens (at most 100). */
  historySize: number;
  /** Messages kept in `timeline`; older ones drop off the front (`onMessage` still sees every one). */
  keepMessages: number;
  backoff: BackoffOptions;
  sendMaxAttempts: number;
  typingRenewMs: number;
  typingIdleMs: number;
  /** Join the room first (public rooms); false to only read a room the viewer already belongs to. */
  join: boolean;
}

export interface RoomSession {
  readonly room: { id: string; name: string; private: boolean };
  readonly timeline: ObservableValue<readonly TimelineEntry[]>;
  /** Online members, the viewer included. */
  readonly online: ObservableValue<readonly Person[]>;
  /** Members typing now, the viewer excluded. */
  readonly typing: ObservableValue<readonly Person[]>;
  readonly countdown: ObservableValue<CountdownView | null>;
  /** Set when a stream of the room ended with an error (e.g. NOT_FOUND after leaving). */
  readonly error: ObservableValue<RoomcastClientError | null>;
  /** Every message from the opening history on, once each, in seq order. Returns the unsubscribe. */
  onMessage(listener: (message: Message) => void): () => void;
  /** Sends optimistically; returns the clientId the timeline shows it under. */
  send(body: string): string;
  /** Sends a failed message again, under the same clientId. */
  retry(clientId: string): void;
  /** Call on every keystroke in the composer. */
  typingKeystroke(): void;
  startCountdown(durationMs: number, label?: string): Promise<Timer>;
  pauseCountdown(): Promise<Timer>;
  resumeCountdown(): Promise<Timer>;
  stopCountdown(): Promise<Timer>;
  /** The cursor of the last delivered message. */
  cursor(): string | undefined;
  close(): void;
}

export interface RoomSessionDeps {
  roomId: string;
  viewer: Person;
  api: HttpApi;
  connection: Connection;
  clock: ClientClock;
  options: RoomSessionOptions;
}

const PAGE_SIZE = 100;

const sentEntry = (message: Message): TimelineEntry => ({
  key: message.id,
  status: 'sent',
  seq: message.seq,
  body: message.body,
  author: message.author,
  clientId: message.clientId,
  createdAt: message.createdAt,
  errorCode: null,
});

const outgoingEntry = (viewer: Person) => (message: OutgoingMessage): TimelineEntry => ({
  key: message.clientId,
  status: message.status,
  seq: null,
  body: message.body,
  author: viewer,
  clientId: message.clientId,
  createdAt: null,
  errorCode: message.errorCode,
});

export const openRoomSession = async ({ roomId, viewer, api, connection, clock, options }: RoomSessionDeps): Promise<RoomSession> => {
  const room = options.join ? await api.joinRoom(roomId) : await api.room(roomId);
  if (!room) throw new RoomcastClientError(ErrorCode.NotFound, 'Room not found');
  const history = await api.messages({ roomId, last: Math.min(options.historySize, PAGE_SIZE) });
  const { ws } = connection;

  const error = createValue<RoomcastClientError | null>(null);
  const listeners = new Set<(message: Message) => void>();
  const sent: TimelineEntry[] = history.edges.map((edge) => sentEntry(edge.node));
  const timeline = createValue<readonly TimelineEntry[]>([]);
  const outbox = createOutbox({
    send: (body, clientId) => api.sendMessage({ roomId, body, clientId }),
    pause: connection.pause,
    backoff: options.backoff,
    maxAttempts: options.sendMaxAttempts,
  });
  const publishTimeline = () => timeline.set([...sent, ...outbox.messages.get().map(outgoingEntry(viewer))]);

  const last = history.edges.at(-1)?.node;
  const log = createMessageLog<Message>({
    // An empty room still has a cursor (its head): the stream replays from it, so nothing sent before
    // the server starts the subscription is missed.
    start: { seq: last?.seq ?? 0, cursor: last?.cursor ?? room.headCursor },
    fetchAfter: async (after) => {
      const page = await api.messages({ roomId, first: PAGE_SIZE, after });
      return { messages: page.edges.map((edge) => edge.node), hasNextPage: page.pageInfo.hasNextPage };
    },
    deliver: (message) => {
      sent.push(sentEntry(message));
      if (sent.length > options.keepMessages) sent.splice(0, sent.length - options.keepMessages);
      // Confirming changes the outbox, whose listener republishes the timeline; otherwise publish here.
      const confirmed = message.author.id === viewer.id && message.clientId !== null && outbox.confirm(message.clientId);
      if (!confirmed) publishTimeline();
      for (const listener of [...listeners]) listener(message);
    },
    pause: connection.pause,
    backoff: options.backoff,
    onError: () => undefined,
  });
  const unwatchOutbox = outbox.messages.subscribe(publishTimeline);

  const countdown = createServerCountdown({
    subscribeTicks: (timerId, next) =>
      subscribeTyped(ws, timerTickedSubscription, () => ({ timerId }), {
        next: (data) => next(data.timerTicked),
        error: (cause) => error.set(cause),
        complete: () => undefined,
      }),
  });
  const refreshTimers = async () => {
    for (const timer of await api.roomTimers(roomId)) countdown.consider(timer);
  };

  const online = createPeopleSet();
  const typing = createPeopleSet(viewer.id);
  const unsubscribes: (() => void)[] = [];
  let closed = false;

  /**
   * A stream the server ended with a resumable code is subscribed again, resuming like a reconnect (room
   * events from the cursor, people from a new snapshot): at once after SLOW_CONSUMER; after a backoff
   * that grows with `outages` after ENGINE_UNAVAILABLE, since the engine is still (or was long) down.
   * Any other code is the room's error.
   */
  const endedWith = (cause: RoomcastClientError, outages: number, subscribe: () => () => void): void => {
    if (!isResumable(cause)) {
      error.set(cause);
      return;
    }
    const resubscribe = () => {
      if (!closed) unsubscribes.push(subscribe());
    };
    if (cause.code === ErrorCode.EngineUnavailable) void connection.pause(backoffDelayMs(outages, options.backoff)).then(resubscribe);
    else resubscribe();
  };

  let roomEventOutages = 0;
  const subscribeRoomEvents = (): (() => void) =>
    subscribeTyped(ws, roomEventsSubscription, () => ({ roomId, after: log.cursor() }), {
      next: ({ roomEvents: event }) => {
        roomEventOutages = 0;
        if (event.__typename === RoomEventType.MessageAdded) log.accept(event.message);
        else if (event.__typename === RoomEventType.TimerChanged) countdown.consider(event.timer);
      },
      error: (cause) => endedWith(cause, roomEventOutages++, subscribeRoomEvents),
      complete: () => undefined,
    });
  let presenceOutages = 0;
  const subscribePresence = (): (() => void) =>
    subscribeTyped(ws, presenceSubscription, () => ({ roomId }), {
      next: ({ presence }) => {
        presenceOutages = 0;
        online.apply(presence.user, presence.online);
      },
      error: (cause) =>
        endedWith(cause, presenceOutages++, () => {
          online.reset();
          return subscribePresence();
        }),
      complete: () => undefined,
    });
  let typingOutages = 0;
  const subscribeTyping = (): (() => void) =>
    subscribeTyped(ws, typingSubscription, () => ({ roomId }), {
      next: ({ typing: event }) => {
        typingOutages = 0;
        typing.apply(event.user, event.typing);
      },
      error: (cause) =>
        endedWith(cause, typingOutages++, () => {
          typing.reset();
          return subscribeTyping();
        }),
      complete: () => undefined,
    });
  unsubscribes.push(
    subscribeRoomEvents(),
    subscribePresence(),
    subscribeTyping(),
    // Presence and typing streams start over with a snapshot on the new socket; timer changes are not
    // replayed, so the room's timer list is read again.
    connection.onReconnected(() => {
      online.reset();
      typing.reset();
      refreshTimers().catch(() => undefined);
    }),
  );
  await refreshTimers();

  const typingNotifier = createTypingNotifier({
    setTyping: (value) => api.setTyping(roomId, value),
    clock,
    renewMs: options.typingRenewMs,
    idleMs: options.typingIdleMs,
  });

  const currentTimerId = (): string => {
    const current = countdown.value.get();
    if (!current) throw new RoomcastClientError(ErrorCode.NotFound, 'The room has no countdown');
    return current.id;
  };
  const control = async (change: (id: string) => Promise<Timer>) => {
    const timer = await change(currentTimerId());
    countdown.consider(timer);
    return timer;
  };

  return {
    room: { id: room.id, name: room.name, private: room.private },
    timeline,
    online: online.people,
    typing: typing.people,
    countdown: countdown.value,
    error,
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    send(body) {
      typingNotifier.stop();
      return outbox.send(body);
    },
    retry: (clientId) => outbox.retry(clientId),
    typingKeystroke: () => typingNotifier.keystroke(),
    startCountdown: async (durationMs, label) => {
      const timer = await api.startTimer({ roomId, durationMs, ...(label === undefined ? {} : { label }) });
      countdown.consider(timer);
      return timer;
    },
    pauseCountdown: () => control(api.pauseTimer),
    resumeCountdown: () => control(api.resumeTimer),
    stopCountdown: () => control(api.stopTimer),
    cursor: () => log.cursor(),
    close() {
      closed = true;
      for (const unsubscribe of unsubscribes) unsubscribe();
      unwatchOutbox();
      log.close();
      outbox.close();
      countdown.close();
      typingNotifier.stop();
    },
  };
};
