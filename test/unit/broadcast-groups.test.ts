import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getNamedType, isObjectType, isUnionType, isInterfaceType, parse, type GraphQLNamedType } from 'graphql';
import { operationInfo } from '../../src/observability/operation-info.js';
import { broadcastKey, createBroadcastGroups, type BroadcastMember, type Rendered } from '../../src/transport/broadcast/broadcast-groups.js';
import { buildExecutableSchema } from '../../src/transport/schema.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Counters {
  renders: { member: string; event: string }[];
}

type Renderer = (event: { name: string }) => Rendered | Promise<Rendered>;

const clean: Renderer = (event) => ({ payload: Buffer.from(event.name), shareable: true });

// A member that records what it was asked to execute and what it was given to write.
const member = (name: string, counters: Counters, render: Renderer = clean): BroadcastMember & { written: string[] } => {
  const written: string[] = [];
  return {
    written,
    render(event) {
      const named = event as { name: string };
      counters.renders.push({ member: name, event: named.name });
      return render(named);
    },
    deliver(payload) {
      written.push(payload.toString());
    },
  };
};

describe('broadcast groups', () => {
  it('executes an event once per group, after the listener returns, and writes it to every member that took it', async () => {
    const groups = createBroadcastGroups();
    const counters: Counters = { renders: [] };
    const members = Array.from({ length: 5 }, (_, i) => member(`m${i}`, counters));
    const joined = members.map((m) => ({ m, group: groups.join('k', m) }));
    assert.equal(groups.size(), 1);
    const event = { name: 'e1' };
    for (const { m, group } of joined) group.take(m, event);
    assert.deepEqual(counters.renders, [], 'nothing is executed inside the listener that took the event');
    await turn();
    assert.deepEqual(counters.renders, [{ member: 'm0', event: 'e1' }], 'one execution for the whole group');
    for (const m of members) assert.deepEqual(m.written, ['e1']);
    assert.equal(joined[0]?.group.recent(event)?.toString(), 'e1', 'kept for members that pull the same event from their queue');
  });

  it('keeps writing to the other members, and later events, when one member\'s write throws', async () => {
    const groups = createBroadcastGroups();
    const counters: Counters = { renders: [] };
    const broken: BroadcastMember = {
      render: (event) => clean(event as { name: string }),
      deliver: () => {
        throw new Error('socket gone');
      },
    };
    const [first, last] = [member('first', counters), member('last', counters)];
    const group = groups.join('k', first);
    groups.join('k', broken);
    groups.join('k', last);
    for (const name of ['e1', 'e2']) {
      const event = { name };
      for (const m of [first, broken, last]) group.take(m, event);
      await turn();
    }
    assert.deepEqual(first.written, ['e1', 'e2']);
    assert.deepEqual(last.written, ['e1', 'e2'], 'the member after the broken one still gets both events');
    assert.equal(group.whenWritten(), undefined, 'nothing is left pending: the group is not stuck');
  });

  it('keeps members with different variables apart, and the same operation resumed from different cursors together', async () => {
    const query = 'subscription($r: ID!, $after: String) { messageAdded(roomId: $r, after: $after) { seq } }';
    const a1 = broadcastKey({ query, variables: { r: 'room-1', after: 'c1' } }, 'after');
    const a2 = broadcastKey({ query, variables: { r: 'room-1', after: 'c2' } }, 'after');
    const b = broadcastKey({ query, variables: { r: 'room-2' } }, 'after');
    const named = broadcastKey({ query, operationName: 'Other', variables: { r: 'room-1' } }, 'after');
    assert.equal(a1, a2, '`after` only shapes the replay');
    assert.equal(new Set([a1, b, named]).size, 3);
    // The cursor's variable is whichever the `after` argument takes, whatever its name.
    const renamed = 'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { seq } }';
    assert.equal(operationInfo(parse(renamed)).cursorVariable, 'a');
    assert.equal(operationInfo(parse('subscription($r: ID!) { messageAdded(roomId: $r, after: "c1") { seq } }')).cursorVariable, undefined);
    assert.equal(broadcastKey({ query: renamed, variables: { r: 'room-1', a: 'c1' } }, 'a'), broadcastKey({ query: renamed, variables: { r: 'room-1', a: 'c2' } }, 'a'));
    assert.notEqual(broadcastKey({ query, variables: { r: 'room-1', after: 'c1' } }, undefined), a1, 'a variable that is no cursor is part of the key');

    const groups = createBroadcastGroups();
    const counters: Counters = { renders: [] };
    const inA = [member('a1', counters), member('a2', counters)];
    const inB = [member('b1', counters), member('b2', counters)];
    const takers = [...inA.map((m) => ({ m, group: groups.join(a1, m) })), ...inB.map((m) => ({ m, group: groups.join(b, m) }))];
    assert.equal(groups.size(), 2);
    const event = { name: 'e' };
    // Interleaved, as a room's listeners are.
    for (const index of [0, 2, 1, 3]) takers[index]!.group.take(takers[index]!.m, event);
    await turn();
    assert.deepEqual(
      counters.renders.map((r) => r.member),
      ['a1', 'b1'],
      'one execution per group',
    );
    for (const m of [...inA, ...inB]) assert.deepEqual(m.written, ['e']);
  });

  it('shares only a clean result: after an erring one the next member executes for itself', async () => {
    const groups = createBroadcastGroups();
    const counters: Counters = { renders: [] };
    const erring: Renderer = () => ({ payload: Buffer.from('error'), shareable: false });
    const members = [member('m0', counters, erring), member('m1', counters), member('m2', counters)];
    const joined = members.map((m) => ({ m, group: groups.join('k', m) }));
    const event = { name: 'e' };
    for (const { m, group } of joined) group.take(m, event);
    await turn();
    assert.deepEqual(counters.renders.map((r) => r.member), ['m0', 'm1']);
    assert.deepEqual(members.map((m) => m.written), [['error'], ['e'], ['e']]);
  });

  it('keeps every member in order across events, also when an execution is asynchronous', async () => {
    const groups = createBroadcastGroups();
    const counters: Counters = { renders: [] };
    let release: (() => void) | undefined;
    const slowFirst: Renderer = (event) =>
      event.name === 'e1' ? new Promise((resolve) => (release = () => resolve(clean(event) as Rendered))) : clean(event);
    const members = [member('m0', counters, slowFirst), member('m1', counters, slowFirst)];
    const joined = members.map((m) => ({ m, group: groups.join('k', m) }));
    const e1 = { name: 'e1' };
    for (const { m, group } of joined) group.take(m, e1);
    await turn();
    const group = joined[0]!.group;
    const written = group.whenWritten();
    assert.ok(written, 'the group is still writing');
    const e2 = { name: 'e2' };
    for (const { m, group: g } of joined) g.take(m, e2);
    await turn();
    assert.deepEqual(members.map((m) => m.written), [[], []], 'e2 waits behind e1');
    release?.();
    await written;
    assert.deepEqual(members.map((m) => m.written), [['e1', 'e2'], ['e1', 'e2']]);
    assert.deepEqual(counters.renders.map((r) => r.event), ['e1', 'e2']);
    assert.equal(group.whenWritten(), undefined);
  });

  it('removes a group when its last member leaves, and leaks none after every member ends', async () => {
    const groups = createBroadcastGroups();
    const counters: Counters = { renders: [] };
    const joined = Array.from({ length: 30 }, (_, i) => {
      const m = member(`m${i}`, counters);
      return { m, group: groups.join(`key-${i % 7}`, m) };
    });
    assert.equal(groups.size(), 7);
    const event = { name: 'e' };
    for (const { m, group } of joined) group.take(m, event);
    const [first, ...rest] = joined;
    first!.group.leave(first!.m);
    first!.group.leave(first!.m);
    assert.equal(groups.size(), 7, 'a group with members stays');
    for (const { m, group } of rest) group.leave(m);
    assert.equal(groups.size(), 0);
    await turn();
    // A member that joins the same key afterwards gets a new group, not the removed one.
    const late = member('late', counters);
    const group = groups.join('key-0', late);
    assert.notEqual(group, first!.group);
    group.leave(late);
    assert.equal(groups.size(), 0);
  });

  // The key holds no viewer because nothing a subscription can reach is resolved per viewer (Room's
  // unreadCount and the like are not reachable from a subscription's payload). If this list grows,
  // check the new type's resolvers: a field that reads the principal must put it into broadcastKey.
  it('a subscription can reach only types whose fields do not depend on who asks', () => {
    const schema = buildExecutableSchema();
    const reached = new Set<string>();
    const visit = (type: GraphQLNamedType): void => {
      if (reached.has(type.name)) return;
      if (isUnionType(type)) {
        reached.add(type.name);
        for (const member of type.getTypes()) visit(member);
      } else if (isObjectType(type) || isInterfaceType(type)) {
        reached.add(type.name);
        for (const field of Object.values(type.getFields())) visit(getNamedType(field.type));
      }
    };
    for (const field of Object.values(schema.getSubscriptionType()?.getFields() ?? {})) visit(getNamedType(field.type));
    assert.deepEqual(
      [...reached].sort(),
      ['Message', 'MessageAdded', 'PresenceChanged', 'PresenceEvent', 'ReadReceipt', 'ReadReceiptAdded', 'RoomEvent', 'Timer', 'TimerChanged', 'TimerTick', 'TypingChanged', 'TypingEvent', 'User'],
    );
  });
});
