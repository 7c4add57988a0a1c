import { createMemoryRealtime } from '../../src/engine/memory/memory-realtime.js';
import { realtimeContract } from './realtime-contract.js';

realtimeContract('memory', async () => {
  const realtime = createMemoryRealtime();
  return { realtime, close: () => realtime.close() };
});
