import type { Command } from '../command.ts';

// Placeholder until this command lands; replaced by its owner.
export const inventoryCommand: Command = {
  summary: 'not available yet',
  usage: 'vigil inventory',
  async run() {
    throw new Error('vigil inventory is not available yet');
  },
};
