// Everything an app shows for one open room, kept current over reconnects: the timeline (messages in
// seq order, each once, then the viewer's outgoing ones), who is online and typing, and the shared
// countdown. One `roomEvents` subscription carries messages, timer, presence and typing changes, each
// once, and is resubscribed by the connection with the last delivered cursor as `after`, so a reconnect
// replays exactly what was missed. Who is online is read once the stream is open (`Room.online`) and then
// kept by its changes; `timerTicked` runs only while a countdown is live.
// An empty room starts from its head cursor (`Room.headCursor`), so there is always a cursor to replay from.
// A stream the server ends with SLOW_CONSUMER or ENGINE_UNAVAILABLE is resubscribed the same way.
import { ErrorCode, RoomEventType } from '../src/protocol/index.js';
import { backoffDelayMs, type BackoffOptions } from './backoff.js';
import type { ClientClock } from './client-clock.js';
import type { Connection } from './connection.js';
import { isResumable, isRetryable, RoomcastClientError } from './errors.js';
import type { HttpApi, Message, Timer } from './http-api.js';
import { createMessageLog } from './message-log.js';
import { createValue, type ObservableValue } from './observable-value.js';
import { roomEventsSubscription } from './operations/messages.js';
import { timerTickedSubscription } from './operations/timers.js';
import { createOutbox, type OutgoingMessage } from './outbox.js';
import { createPeopleSet, type Person } from './people.js';
import type { RoomEventsSubscription } from './generated/graphql.js';

type RoomEvent = RoomEventsSubscription['roomEvents'];
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

  // Presence changes seen since the pending `Room.online` read was sent: the answer may predate them, so
  // they are applied again over it. Changes are idempotent (on/off per person), so one seen twice is harmless.
  let changesSinceRead: { person: Person; online: boolean }[] | undefined;
  let onlineReads = 0;
  // An outage (ENGINE_UNAVAILABLE, the network) is waited out with backoff, as the stream itself is.
  const readOnline = async (): Promise<void> => {
    const read = ++onlineReads;
    changesSinceRead = [];
    for (let attempt = 0; ; attempt += 1) {
      let people: Person[];
      try {
        people = await api.roomOnline(roomId);
      } catch (cause) {
        const failure = cause instanceof RoomcastClientError ? cause : new RoomcastClientError(ErrorCode.InternalServerError, String(cause), cause);
        if (!isRetryable(failure)) throw failure;
        await connection.pause(backoffDelayMs(attempt, options.backoff));
        if (closed || read !== onlineReads) return;
        continue;
      }
      // A newer read (a reconnect while this one was in flight) wins.
      if (closed || read !== onlineReads) return;
      const since = changesSinceRead ?? [];
      changesSinceRead = undefined;
      online.replace(people);
      for (const change of since) online.apply(change.person, change.online);
      return;
    }
  };
  const refreshOnline = () => readOnline().catch((cause: unknown) => error.set(cause as RoomcastClientError)); // readOnline throws only RoomcastClientErrors

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
  const onRoomEvent = ({ roomEvents: event }: { roomEvents: RoomEvent }): void => {
    roomEventOutages = 0;
    switch (event.__typename) {
      case RoomEventType.MessageAdded:
        return log.accept(event.message);
      case RoomEventType.TimerChanged:
        return countdown.consider(event.timer);
      case RoomEventType.PresenceChanged:
        changesSinceRead?.push({ person: event.event.user, online: event.event.online });
        return online.apply(event.event.user, event.event.online);
      case RoomEventType.TypingChanged:
        return typing.apply(event.event.user, event.event.typing);
    }
  };
  // Presence and typing changes are not replayed: a new stream reads who is online again, and forgets who
  // was typing (an indicator lasts seconds; a stale one would never clear).
  const subscribeRoomEvents = (): (() => void) => {
    const unsubscribe = subscribeTyped(ws, roomEventsSubscription, () => ({ roomId, after: log.cursor() }), {
      next: onRoomEvent,
      error: (cause) =>
        endedWith(cause, roomEventOutages++, () => {
          typing.reset();
          return subscribeRoomEvents();
        }),
      complete: () => undefined,
    });
    void refreshOnline();
    return unsubscribe;
  };
  unsubscribes.push(
    subscribeRoomEvents(),
    // The connection resubscribes the room's stream on the new socket; timer changes are not replayed, so
    // the room's timer list is read again, and so is who is online.
    connection.onReconnected(() => {
      typing.reset();
      void refreshOnline();
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
