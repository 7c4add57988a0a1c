import { MinHeap } from '../../lib/min-heap.js';
import type { RoomBus, TimerRecord, TimerStore } from '../types.js';

const isActive = (timer: TimerRecord) => timer.status === 'RUNNING' || timer.status === 'PAUSED';

export const createMemoryTimerStore = (bus: RoomBus): TimerStore => {
  const timers = new Map<string, TimerRecord>();
  const idsByRoom = new Map<string, string[]>();
  // The schedule: the current due time per timer, and a heap of (dueAt, id) entries. A changed or
  // cleared due time leaves its old heap entry behind; entries that disagree with `dueAtById` are
  // skipped when they surface (lazy deletion keeps every update O(log n)).
  const dueAtById = new Map<string, number>();
  const schedule = new MinHeap<string>();

  const setDue = (timerId: string, dueAt: number | null) => {
    if (dueAt === null) {
      dueAtById.delete(timerId);
      return;
    }
    dueAtById.set(timerId, dueAt);
    schedule.push(dueAt, timerId);
  };
  const dropStale = () => {
    for (let top = schedule.peek(); top && dueAtById.get(top.value) !== top.key; top = schedule.peek()) schedule.pop();
  };

  return {
    async create(timer, dueAt, event, maxActive) {
      // No await before the publish: atomic within this process.
      const roomIds = idsByRoom.get(timer.roomId) ?? [];
      const active = roomIds.filter((id) => {
        const existing = timers.get(id);
        return existing !== undefined && isActive(existing);
      }).length;
      if (active >= maxActive) return false;
      timers.set(timer.id, timer);
      idsByRoom.set(timer.roomId, [...roomIds, timer.id]);
      setDue(timer.id, dueAt);
      void bus.publish(timer.roomId, event);
      return true;
    },
    async get(timerId) {
      return timers.get(timerId);
    },
    async listByRoom(roomId) {
      return (idsByRoom.get(roomId) ?? []).flatMap((id) => timers.get(id) ?? []);
    },
    async transition(next, expectedVersion, dueAt, event) {
      const current = timers.get(next.id);
      if (!current || current.version !== expectedVersion) return false;
      timers.set(next.id, next);
      setDue(next.id, dueAt);
      void bus.publish(next.roomId, event);
      return true;
    },
    async due(nowMs, limit) {
      const found: { timerId: string; dueAt: number }[] = [];
      const seen = new Set<string>();
      for (let top = schedule.peek(); top && top.key <= nowMs && found.length < limit; top = schedule.peek()) {
        schedule.pop();
        if (dueAtById.get(top.value) !== top.key || seen.has(top.value)) continue;
        seen.add(top.value);
        found.push({ timerId: top.value, dueAt: top.key });
      }
      // Reported, not consumed: an entry stays due until a transition moves it, as a claim would in Redis.
      for (const entry of found) schedule.push(entry.dueAt, entry.timerId);
      return found;
    },
    async nextDueAt() {
      dropStale();
      return schedule.peek()?.key;
    },
    // Only a RUNNING timer has a due time.
    countRunning: async () => dueAtById.size,
  };
};
