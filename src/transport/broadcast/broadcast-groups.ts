/**
 * Broadcast groups: subscribers whose payload for an event is byte for byte the same, so that an event
 * is executed and encoded once per group and then written to each member in a loop (socket.io-adapter's
 * broadcast is the model).
 *
 * A group is keyed by what decides the payload (`broadcastKey`): the document, the operation name and the
 * variables but for `after` (which only shapes the replay). Who is asking decides nothing a subscription
 * can select today (test/unit/broadcast-groups.test.ts walks the schema to keep it so), and which events
 * a member may see at all is decided per member, by its room stream, before an event reaches the group.
 *
 * Each member's room stream still receives the bus's event and decides whether it is in order for that
 * member (`nextSeq`, replay, buffers). When it is and the member is caught up, the stream hands the event
 * to the member's live sink, which only enqueues it here (`take`): no GraphQL runs inside the bus
 * listener. Once the listener's turn is over, one microtask drains every group that took something:
 * per event, the first member's execution is shared by every member that took the event, when it is
 * clean (an error may depend on who asked, so an erring result stays with its member, and the next
 * member executes for itself).
 */

/** What a group needs of one subscriber. */
export interface BroadcastMember {
  /** The member's own execution of `event`, encoded; `shareable` only for a result without errors. */
  render(event: object): Rendered | Promise<Rendered>;
  /** Writes a payload (its own or the group's) to the member's socket. Should not throw (see `write`). */
  deliver(payload: Buffer): void;
}

export interface Rendered {
  payload: Buffer;
  shareable: boolean;
}

export interface BroadcastGroup {
  readonly key: string;
  /**
   * `member` owns the delivery of `event` from now on, in order after every event it took before; the
   * write happens when the group is drained, after the current bus listener has returned.
   */
  take(member: BroadcastMember, event: object): void;
  /** The payload last shared for `event`, while it is the group's newest: a member pulling the same event from its queue reuses it. */
  recent(event: object): Buffer | undefined;
  /** Resolves once every event taken so far has been written; undefined when there is nothing to wait for. */
  whenWritten(): Promise<void> | undefined;
  /** `member` leaves; the last one to leave removes the group from its registry. */
  leave(member: BroadcastMember): void;
}

export interface BroadcastGroups {
  join(key: string, member: BroadcastMember): BroadcastGroup;
  /** Groups with at least one member. */
  size(): number;
}

/**
 * Subscribers whose operations have the same text and the same variables (but for `after`, which only
 * shapes the replay) get byte-identical payloads for an event.
 */
export const broadcastKey = (
  operation: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null },
  cursorVariable: string | undefined,
): string => {
  const variables = { ...operation.variables };
  if (cursorVariable !== undefined) delete variables[cursorVariable];
  return `${operation.operationName ?? ''}\n${JSON.stringify(variables)}\n${operation.query}`;
};

// A member whose write throws (its socket, not the group) must cost the others nothing: the rest of the
// fan-out and every later event of the group are still written.
const deliverTo = (member: BroadcastMember, payload: Buffer): void => {
  try {
    member.deliver(payload);
  } catch {
    // The member's own socket failed; its close ends its subscription.
  }
};

/** One event and the members that took it, in the order they took it. */
interface Fanout {
  event: object;
  members: BroadcastMember[];
}

class Group implements BroadcastGroup {
  readonly members = new Set<BroadcastMember>();
  private pending: Fanout[] = [];
  private draining = false;
  private written: { promise: Promise<void>; resolve: () => void } | undefined;
  private lastEvent: object | undefined;
  private lastPayload: Buffer | undefined;

  constructor(
    readonly key: string,
    private readonly registry: Registry,
  ) {}

  take(member: BroadcastMember, event: object): void {
    const { pending } = this;
    const last = pending[pending.length - 1];
    // The bus hands an event to every listener of its room before the next one: the members that take
    // an event arrive together, after any other event of this group.
    if (last?.event === event) {
      last.members.push(member);
      return;
    }
    pending.push({ event, members: [member] });
    if (pending.length === 1 && !this.draining) this.registry.schedule(this);
  }

  recent(event: object): Buffer | undefined {
    return this.lastEvent === event ? this.lastPayload : undefined;
  }

  whenWritten(): Promise<void> | undefined {
    if (this.pending.length === 0 && !this.draining) return undefined;
    if (!this.written) {
      let resolve!: () => void;
      const promise = new Promise<void>((settle) => (resolve = settle));
      this.written = { promise, resolve };
    }
    return this.written.promise;
  }

  leave(member: BroadcastMember): void {
    if (this.members.delete(member) && this.members.size === 0) this.registry.remove(this);
  }

  /**
   * Writes what was taken, in order. Synchronous while every execution is (as ours are); an asynchronous
   * one parks the drain, and events taken meanwhile wait behind it, so no member's order changes.
   */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    let index = 0;
    for (; index < this.pending.length; index += 1) {
      const fanout = this.pending[index]!;
      const parked = this.write(fanout, 0, undefined);
      if (parked) {
        this.pending.splice(0, index);
        void parked.then(() => {
          this.pending.shift();
          this.draining = false;
          this.drain();
        });
        return;
      }
    }
    this.pending = [];
    this.draining = false;
    this.settleWritten();
  }

  // From member `from` on; returns a promise when an execution turned out asynchronous, resolved once the
  // rest of this fan-out has been written.
  private write(fanout: Fanout, from: number, shared: Buffer | undefined): Promise<void> | undefined {
    const { event, members } = fanout;
    let payload = shared;
    for (let i = from; i < members.length; i += 1) {
      const member = members[i]!;
      if (payload) {
        deliverTo(member, payload);
        continue;
      }
      const rendered = member.render(event);
      if (rendered instanceof Promise) {
        return rendered.then(
          (result) => this.afterRender(fanout, i, result),
          // A member whose execution threw is skipped; its stream's own path reports what went wrong.
          () => this.write(fanout, i + 1, undefined),
        );
      }
      deliverTo(member, rendered.payload);
      if (rendered.shareable) payload = this.share(event, rendered.payload);
    }
    return undefined;
  }

  private afterRender(fanout: Fanout, index: number, rendered: Rendered): Promise<void> | undefined {
    deliverTo(fanout.members[index]!, rendered.payload);
    return this.write(fanout, index + 1, rendered.shareable ? this.share(fanout.event, rendered.payload) : undefined);
  }

  private share(event: object, payload: Buffer): Buffer {
    this.lastEvent = event;
    this.lastPayload = payload;
    return payload;
  }

  private settleWritten(): void {
    const written = this.written;
    this.written = undefined;
    written?.resolve();
  }
}

class Registry implements BroadcastGroups {
  private readonly groups = new Map<string, Group>();
  private due: Group[] = [];

  join(key: string, member: BroadcastMember): BroadcastGroup {
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = new Group(key, this)));
    group.members.add(member);
    return group;
  }

  size(): number {
    return this.groups.size;
  }

  // One drain per turn for every group that took something in it, however many events and groups.
  schedule(group: Group): void {
    if (this.due.length === 0) queueMicrotask(() => this.drainDue());
    this.due.push(group);
  }

  remove(group: Group): void {
    if (this.groups.get(group.key) === group) this.groups.delete(group.key);
  }

  private drainDue(): void {
    const due = this.due;
    this.due = [];
    for (const group of due) group.drain();
  }
}

export const createBroadcastGroups = (): BroadcastGroups => new Registry();
