// The one `vigil` command. Each subcommand parses its own flags and has --help.
import { parseArgs } from 'node:util';
import { CONFIG_VARIABLES, ConfigError, loadConfig, type Role } from '../lib/config.ts';
import { InventoryError } from '../lib/inventory/inventory.ts';
import { createLogger } from '../lib/log.ts';
import { WEB_DIST_DIR } from '../lib/paths.ts';
import { onShutdownSignal, type ShutdownStep } from '../lib/shutdown.ts';

import type { Command } from './command.ts';
import { availabilityCommand } from './commands/availability-command.ts';
import { commandsCommand } from './commands/commands-command.ts';
import { inventoryCommand } from './commands/inventory-command.ts';
import { pollCommand } from './commands/poll-command.ts';
import { incidentCommand } from './commands/incident-command.ts';
import { silenceCommand } from './commands/silence-command.ts';
import { statusCommand } from './commands/status-command.ts';
import { tokenCommand } from './commands/token-command.ts';
import { userCommand } from './commands/user-command.ts';

const ENV_HELP = `Configuration (environment variables):\n${CONFIG_VARIABLES.map(([name, text]) => `  ${name.padEnd(28)} ${text}`).join('\n')}`;

function serviceCommand(role: Exclude<Role, 'up'>, summary: string, load: () => Promise<(c: ReturnType<typeof loadConfig>, l: ReturnType<typeof createLogger>) => Promise<ShutdownStep[]>>): Command {
  return {
    summary,
    usage: `vigil ${role}`,
    details: `Runs the ${role} as its own process, for a fleet on RabbitMQ and PostgreSQL.\n\n${ENV_HELP}`,
    async run() {
      const config = loadConfig(role);
      const log = createLogger({ service: role });
      const run = await load();
      const steps = await run(config, log);
      onShutdownSignal(log, steps);
    },
  };
}

const COMMANDS: Record<string, Command> = {
  up: {
    summary: 'Run every service in one process (embedded database, in-process queue)',
    usage: 'vigil up',
    details: `Reads the inventory (VIGIL_INVENTORY, default inventory/hosts), polls its hosts, stores samples in an embedded PostgreSQL (PGlite) in VIGIL_DATA_DIR, and serves the dashboard.\n\n${ENV_HELP}`,
    async run() {
      const config = loadConfig('up');
      const log = createLogger({ service: 'up' });
      const { runAllInOne } = await import('./run-all-in-one.ts');
      const { url, steps } = await runAllInOne(config, log);
      onShutdownSignal(log, steps);
      const statusPage = config.statusPage ? `Status page (public): ${url}/status\n` : '';
      process.stdout.write(`\nVigil is running. Dashboard: ${url}\n${statusPage}Inventory: ${config.inventory}\nData: ${config.databaseUrl ? 'PostgreSQL' : config.dataDir}\nPress Ctrl+C to stop.\n\n`);
    },
  },
  scheduler: serviceCommand('scheduler', 'Run the scheduler: reads the inventory and publishes poll jobs', async () => (await import('../services/scheduler/main.ts')).runScheduler),
  worker: serviceCommand('worker', 'Run a worker: polls hosts over SSH (start as many as you need)', async () => (await import('../services/worker/main.ts')).runWorker),
  writer: serviceCommand('writer', 'Run the writer: stores poll results in PostgreSQL', async () => (await import('../services/writer/main.ts')).runWriter),
  web: serviceCommand('web', 'Run the web server: dashboard and JSON API', async () => (await import('../services/web/main.ts')).runWeb),
  alerter: serviceCommand('alerter', 'Run the alerter: notifies by e-mail and webhook (alerts.yml)', async () => (await import('../services/alerter/main.ts')).runAlerter),
  evaluator: serviceCommand('evaluator', 'Run the rule evaluator: turns samples into alert events (alerts.yml)', async () => (await import('../services/evaluator/main.ts')).runEvaluator),
  inventory: inventoryCommand,
  poll: pollCommand,
  commands: commandsCommand,
  status: statusCommand,
  availability: availabilityCommand,
  silence: silenceCommand,
  incident: incidentCommand,
  user: userCommand,
  token: tokenCommand,
  'build-web': {
    summary: 'Bundle the dashboard into web/dist (run by npm install)',
    usage: 'vigil build-web [--out DIR]',
    options: { out: { type: 'string' } },
    async run(values) {
      const { buildWeb } = await import('../lib/web/build-web.ts');
      const outDir = typeof values['out'] === 'string' ? values['out'] : WEB_DIST_DIR;
      const result = await buildWeb({ outDir, minify: true });
      process.stdout.write(`Dashboard built in ${outDir}: ${result.files.length} files, ${result.bytes} bytes\n`);
    },
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    'Vigil: agentless monitoring for Linux fleets, driven by your Ansible inventory.',
    '',
    'Usage: vigil <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `vigil <command> --help` for the options of a command.',
  ].join('\n');
}

function commandHelp(command: Command): string {
  const options = Object.entries(command.options ?? {}).map(([name, o]) => `  --${name}${o.type === 'string' ? ' VALUE' : ''}`);
  return [`Usage: ${command.usage}`, '', command.summary + '.', ...(command.details ? ['', command.details] : []), '', 'Options:', ...options, '  -h, --help  Show this help'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp() + '\n');
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`vigil: unknown command ${JSON.stringify(name)}\n\n${mainHelp()}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`vigil ${name}: ${(error as Error).message}\n\n${commandHelp(command)}\n`);
    return 2;
  }
  if (parsed.values['help']) {
    process.stdout.write(commandHelp(command) + '\n');
    return 0;
  }
  await command.run(parsed.values, parsed.positionals);
  return 0;
}

try {
  const code = await main(process.argv.slice(2));
  if (code !== 0) process.exitCode = code;
} catch (error) {
  // The user's own files at fault: what and where is the whole message, a stack trace would bury it.
  if (error instanceof ConfigError || error instanceof InventoryError) {
    process.stderr.write(`vigil: ${error.message}\n`);
  } else {
    process.stderr.write(`vigil: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exitCode = 1;
  // A half-started service may hold connections open; do not hang on them.
  setTimeout(() => process.exit(1), 2000).unref();
}
