// One simulator process of the fleet benchmarks: `--hosts N --name-prefix P`, healthy hosts, no
// random reboots. Prints one JSON line {"pid","user","clientKeyFile","hosts":[{name,address,port}]}
// and serves until SIGTERM. A process holds a listening and an accepted socket per host, so
// under this machine's open-file limit (20,000) one process serves at most about 9,000 hosts:
// a bigger fleet is several processes with distinct name prefixes.
import { parseArgs } from 'node:util';
import { startHostSimulator } from '../lib/simulator/host-simulator.ts';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '1000' },
    'name-prefix': { type: 'string', default: 'sim-' },
  },
});

const sim = await startHostSimulator({ hosts: Number(values.hosts), namePrefix: values['name-prefix'], rebootChance: 0 });
process.stdout.write(JSON.stringify({
  pid: process.pid,
  user: sim.user,
  clientKeyFile: sim.clientKey.file,
  hosts: sim.hosts.map((h) => ({ name: h.name, address: h.address, port: h.port })),
}) + '\n');

const stop = (): void => {
  process.stderr.write(`simulator ${values['name-prefix']} stopping: ${JSON.stringify(sim.stats())}\n`);
  sim.close().then(() => process.exit(0), () => process.exit(1));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
