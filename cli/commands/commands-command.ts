import type { Command } from '../command.ts';

// Placeholder until this command lands; replaced by its owner.
export const commandsCommand: Command = {
  summary: 'not available yet',
  usage: 'vigil commands',
  async run() {
    throw new Error('vigil commands is not available yet');
  },
};
