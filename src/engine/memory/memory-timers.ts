import { MinHeap } from '../../lib/min-heap.js';
import type { TimerRecord, TimerStore } from '../types.js';

const isActive = (timer: TimerRecord) => timer.status === 'RUNNING' || timer.status === 'PAUSED';

export const createMemoryTimerStore = (): TimerStore => {
  const timers = new Map<string, TimerRecord>();
  // Per room: its timer ids in creation order (a Set keeps it, and deletes in O(1)), and how many are
  // active, so that creating one never walks the ended ones.
  const idsByRoom = new Map<string, Set<string>>();
  const activeByRoom = new Map<string, number>();
  // The schedule: the current due time per timer, and a heap of (dueAt, id) entries. A changed or
  // cleared due time leaves its old heap entry behind; entries that disagree with `dueAtById` are
  // skipped when they surface (lazy deletion keeps every update O(log n)).
  const dueAtById = new Map<string, number>();
  const schedule = new MinHeap<string>();
  // Ended timers in the order they ended, for purging (ends are stored in increasing time order).
  const ended: { timerId: string; endedAt: number }[] = [];

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
  const countActive = (roomId: string, change: number) => activeByRoom.set(roomId, (activeByRoom.get(roomId) ?? 0) + change);

  return {
    async create(timer, maxActive) {
      if ((activeByRoom.get(timer.roomId) ?? 0) >= maxActive) return false;
      timers.set(timer.id, timer);
      const ids = idsByRoom.get(timer.roomId) ?? new Set<string>();
      ids.add(timer.id);
      idsByRoom.set(timer.roomId, ids);
      if (isActive(timer)) countActive(timer.roomId, 1);
      setDue(timer.id, timer.nextDueAt);
      return true;
    },
    async get(timerId) {
      return timers.get(timerId);
    },
    async listByRoom(roomId, limit) {
      const ids = [...(idsByRoom.get(roomId) ?? [])];
      return ids.slice(Math.max(0, ids.length - limit)).flatMap((id) => timers.get(id) ?? []);
    },
    async transition(next, expectedVersion) {
      const current = timers.get(next.id);
      if (!current || current.version !== expectedVersion) return false;
      timers.set(next.id, next);
      if (isActive(current) !== isActive(next)) countActive(next.roomId, isActive(next) ? 1 : -1);
      if (isActive(current) && !isActive(next)) ended.push({ timerId: next.id, endedAt: next.endedAt ?? 0 });
      setDue(next.id, next.nextDueAt);
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
      // Reported, not consumed: an entry stays due until a transition moves it.
      for (const entry of found) schedule.push(entry.dueAt, entry.timerId);
      return found;
    },
    async nextDueAt(afterMs) {
      dropStale();
      if (afterMs === undefined) return schedule.peek()?.key;
      // Entries at or before `afterMs` are the few timers the scheduler is backing off: set them aside,
      // read the next one, put them back.
      const aside: { key: number; value: string }[] = [];
      for (let top = schedule.peek(); top && (top.key <= afterMs || dueAtById.get(top.value) !== top.key); top = schedule.peek()) {
        schedule.pop();
        if (dueAtById.get(top.value) === top.key) aside.push(top);
      }
      const next = schedule.peek()?.key;
      for (const entry of aside) schedule.push(entry.key, entry.value);
      return next;
    },
    // Only a RUNNING timer has a due time.
    countRunning: async () => dueAtById.size,
    async purgeEnded(endedBeforeMs, limit) {
      let purged = 0;
      while (purged < limit && ended.length > 0 && (ended[0]?.endedAt ?? Infinity) < endedBeforeMs) {
        const entry = ended.shift();
        const timer = entry && timers.get(entry.timerId);
        if (!timer) continue;
        timers.delete(timer.id);
        idsByRoom.get(timer.roomId)?.delete(timer.id);
        purged++;
      }
      return purged;
    },
  };
};
