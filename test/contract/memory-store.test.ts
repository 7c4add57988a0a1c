import { createMemoryStore } from '../../src/engine/memory/memory-store.js';
import { storeContract } from './store-contract.js';

storeContract('memory', async () => {
  const store = createMemoryStore();
  return { store, close: () => store.close() };
});
