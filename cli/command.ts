import type { ParseArgsConfig } from 'node:util';

/** One `vigil` subcommand: parses its own flags (declared in `options`) and has --help. */
export interface Command {
  summary: string;
  usage: string;
  details?: string;
  options?: ParseArgsConfig['options'];
  run(values: Record<string, unknown>, positionals: string[]): Promise<void>;
}
