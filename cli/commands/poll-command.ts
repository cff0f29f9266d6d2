import type { Command } from '../command.ts';

// Placeholder until this command lands; replaced by its owner.
export const pollCommand: Command = {
  summary: 'not available yet',
  usage: 'vigil poll',
  async run() {
    throw new Error('vigil poll is not available yet');
  },
};
