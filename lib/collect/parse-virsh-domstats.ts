// `virsh domstats --raw` (LC_ALL=C): per domain a "Domain: 'name'" line, then indented key=value
// lines; groups a hypervisor does not support are simply absent (libvirt's test driver reports
// only state.*), so every figure here may be null. Devices are numbered: block.N.* and net.N.*,
// with block.count and net.count. Units as libvirt documents them: cpu.* and vcpu.N.time in
// nanoseconds, balloon.* in KiB, block and net counters in bytes. Counters past 2^53 (a busy VM's
// cpu.time after months) lose their last bits as JavaScript numbers; rates do not notice. A figure
// that is not a finite number (a lying virsh's 400 digits) is null like an absent one.

export const DOMAIN_STATES = ['nostate', 'running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended'] as const;
/** virDomainState by the names of its VIR_DOMAIN_* values. */
export type DomainState = (typeof DOMAIN_STATES)[number];

export interface DomainDisk {
  /** The guest's target name: vda, sda. */
  name: string;
  readBytes: number | null;
  writeBytes: number | null;
  capacityBytes: number | null;
}

export interface DomainInterface {
  /** The host-side device: vnet0, a tap. */
  name: string;
  rxBytes: number | null;
  txBytes: number | null;
}

export interface DomainStats {
  name: string;
  state: DomainState | null;
  /** Total CPU time of the domain (cpu.time), ns. */
  cpuTimeNs: number | null;
  vcpuCurrent: number | null;
  vcpuMaximum: number | null;
  /** The balloon's current size: the memory the guest has now, KiB. */
  memoryCurrentKiB: number | null;
  memoryMaximumKiB: number | null;
  /** The VM process's resident set on the host, KiB (running domains only). */
  memoryRssKiB: number | null;
  /**
   * What the guest itself reports through its balloon driver (a virtio-balloon with a stats
   * period): the memory it sees (balloon.available) and what it could still use without swapping
   * (balloon.usable, like MemAvailable), KiB. Null without a guest driver reporting them.
   */
  memoryAvailableKiB: number | null;
  memoryUsableKiB: number | null;
  disks: DomainDisk[];
  interfaces: DomainInterface[];
  /** Sums over the disks and interfaces that report them; null when none does. */
  blockReadBytes: number | null;
  blockWriteBytes: number | null;
  netRxBytes: number | null;
  netTxBytes: number | null;
}

/** VIR_DOMAIN_* numbering; a number this libvirt does not know (a newer one) is 'nostate'. */
export function domainStateFromNumber(value: number): DomainState {
  return DOMAIN_STATES[value] ?? 'nostate';
}

export function parseVirshDomstats(text: string): DomainStats[] {
  const domains: DomainStats[] = [];
  let name: string | null = null;
  let fields = new Map<string, string>();
  const flush = (): void => {
    if (name !== null) domains.push(toDomainStats(name, fields));
    name = null;
    fields = new Map();
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    // The name is quoted but not escaped: it runs to the line's last quote.
    const header = /^Domain: '(.*)'\s*$/.exec(line);
    if (header) {
      flush();
      name = header[1] as string;
      continue;
    }
    const field = /^\s+([\w.-]+)=(.*)$/.exec(line);
    if (field && name !== null) fields.set(field[1] as string, field[2] as string);
  }
  flush();
  return domains;
}

function toDomainStats(name: string, fields: Map<string, string>): DomainStats {
  const number = (key: string): number | null => {
    const value = fields.get(key);
    if (value === undefined || !/^\d+(\.\d+)?$/.test(value)) return null;
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  };
  const stateNumber = number('state.state');
  const disks: DomainDisk[] = [];
  for (let i = 0; i < deviceCount(number('block.count')); i++) {
    disks.push({
      name: fields.get(`block.${i}.name`) ?? `block${i}`,
      readBytes: number(`block.${i}.rd.bytes`),
      writeBytes: number(`block.${i}.wr.bytes`),
      capacityBytes: number(`block.${i}.capacity`),
    });
  }
  const interfaces: DomainInterface[] = [];
  for (let i = 0; i < deviceCount(number('net.count')); i++) {
    // A NIC without a host-side device (user-mode networking) is counted but has no figures.
    if (!fields.has(`net.${i}.name`)) continue;
    interfaces.push({ name: fields.get(`net.${i}.name`) as string, rxBytes: number(`net.${i}.rx.bytes`), txBytes: number(`net.${i}.tx.bytes`) });
  }
  return {
    name,
    state: stateNumber === null ? null : domainStateFromNumber(stateNumber),
    cpuTimeNs: number('cpu.time'),
    vcpuCurrent: number('vcpu.current'),
    vcpuMaximum: number('vcpu.maximum'),
    memoryCurrentKiB: number('balloon.current'),
    memoryMaximumKiB: number('balloon.maximum'),
    memoryRssKiB: number('balloon.rss'),
    memoryAvailableKiB: number('balloon.available'),
    memoryUsableKiB: number('balloon.usable'),
    disks,
    interfaces,
    blockReadBytes: sum(disks.map((disk) => disk.readBytes)),
    blockWriteBytes: sum(disks.map((disk) => disk.writeBytes)),
    netRxBytes: sum(interfaces.map((nic) => nic.rxBytes)),
    netTxBytes: sum(interfaces.map((nic) => nic.txBytes)),
  };
}

// QEMU takes a few hundred disks or NICs at most; a count past this is a lie that would cost a loop of its size.
const MAX_DEVICES = 4096;

function deviceCount(count: number | null): number {
  return Math.min(count ?? 0, MAX_DEVICES);
}

function sum(values: Array<number | null>): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length === 0 ? null : known.reduce((total, value) => total + value, 0);
}
