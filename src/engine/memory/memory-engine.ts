import { composeEngine } from '../compose-engine.js';
import type { Engine } from '../types.js';
import { createMemoryRealtime, type MemoryRealtimeOptions } from './memory-realtime.js';
import { createMemoryStore } from './memory-store.js';

/** The embedded engine (nothing set): both halves in this process. */
export const createMemoryEngine = (options: MemoryRealtimeOptions = {}): Engine & { topicCount(): number } => {
  const realtime = createMemoryRealtime(options);
  return Object.assign(composeEngine(createMemoryStore(), realtime), { topicCount: () => realtime.topicCount() });
};
