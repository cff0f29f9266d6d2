// The simulated fleet as an Ansible INI inventory, so that `vigil` can be pointed at it.
import type { HostSimulator } from './host-simulator.ts';

export function simulatedInventoryIni(sim: HostSimulator): string {
  const faulty = sim.hosts.filter((h) => h.fault !== null);
  const lines = [
    `# ${sim.hosts.length} simulated hosts (vigil host simulator, pid ${process.pid})`,
    `# faults: ${faulty.length === 0 ? 'none' : faulty.map((h) => `${h.name}=${h.fault}`).join(' ')}`,
    '[simulated]',
    ...sim.hosts.map((h) => `${h.name} ansible_host=${h.address} ansible_port=${h.port}`),
    '',
    '[simulated:vars]',
    `ansible_user=${sim.user}`,
    `ansible_ssh_private_key_file=${sim.clientKey.file}`,
    '',
  ];
  return lines.join('\n');
}
