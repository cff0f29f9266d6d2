// Runs the SSH host simulator until interrupted and prints the simulated fleet's inventory:
//   node --import tsx scripts/simulate-hosts.ts --hosts 2000 --base-port 20000 > /tmp/sim-inventory
// --format json prints one line {"pid","user","password","clientKeyFile","hosts":[...]} instead,
// for programs (the poll benchmark) that start the simulator as a child process.
import { parseArgs } from 'node:util';
import { isFaultMode } from '../lib/simulator/fault-mode.ts';
import type { FaultMode } from '../lib/simulator/fault-mode.ts';
import { startHostSimulator } from '../lib/simulator/host-simulator.ts';
import { simulatedInventoryIni } from '../lib/simulator/simulated-inventory.ts';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '100' },
    'base-port': { type: 'string', default: '0' },
    address: { type: 'string', default: '127.0.0.1' },
    fault: { type: 'string', multiple: true, default: [] },
    'fault-fraction': { type: 'string', default: '0' },
    'slow-delay-ms': { type: 'string', default: '3000' },
    'reboot-chance': { type: 'string', default: '0.0005' },
    seed: { type: 'string', default: '1' },
    format: { type: 'string', default: 'ini' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    'usage: simulate-hosts.ts [--hosts N] [--base-port P] [--address 127.0.0.1] [--fault NAME=MODE]...\n'
    + '       [--fault-fraction F] [--slow-delay-ms MS] [--reboot-chance P] [--seed S] [--format ini|json]\n'
    + 'fault modes: hang slow garbage truncated wrong-password changed-host-key drop\n',
  );
  process.exit(0);
}

const faults: Record<string, FaultMode> = {};
for (const spec of values.fault) {
  const [name, mode] = spec.split('=');
  if (!name || !mode || !isFaultMode(mode)) throw new Error(`--fault wants NAME=MODE with a known mode, got ${spec}`);
  faults[name] = mode;
}
if (!/^127\./.test(values.address)) throw new Error('the simulator listens on loopback addresses only');

const sim = await startHostSimulator({
  hosts: Number(values.hosts),
  basePort: Number(values['base-port']),
  address: values.address,
  faults,
  faultFraction: Number(values['fault-fraction']),
  slowDelayMs: Number(values['slow-delay-ms']),
  rebootChance: Number(values['reboot-chance']),
  seed: Number(values.seed),
});

if (values.format === 'json') {
  process.stdout.write(JSON.stringify({
    pid: process.pid, user: sim.user, password: sim.password, clientKeyFile: sim.clientKey.file, hosts: sim.hosts,
  }) + '\n');
} else {
  process.stdout.write(simulatedInventoryIni(sim));
}

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`simulator stopping: ${JSON.stringify(sim.stats())}\n`);
  sim.close().then(() => process.exit(0), (err: unknown) => {
    process.stderr.write(`simulator close failed: ${String(err)}\n`);
    process.exit(1);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
