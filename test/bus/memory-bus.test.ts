import { MemoryBus } from '../../lib/bus/memory-bus.ts';
import { describeBusContract } from './bus-contract.ts';

describeBusContract('MemoryBus', {
  createBus: async () => new MemoryBus(),
});
