import { createMemoryEngine } from '../../src/engine/memory/memory-engine.js';
import { engineContract } from './engine-contract.js';

engineContract('memory', async () => {
  const engine = createMemoryEngine();
  return { engine, close: () => engine.close() };
});
