// The sh script that reads a libvirt host's VMs (`vigil_libvirt: true`), for the worker to run over
// the host's SSH connection, and the reader of its output. virsh connects read-only (-r): libvirt's
// read-only socket answers list and domstats, and a monitoring login needs no more. --nowait skips
// figures that would wait for a domain's running job (a migration, a snapshot) instead of hanging
// the poll. The script is a constant (`vigil commands libvirt` prints it, and a forced command can
// pin it): the URI, the one value that varies, is checked against a strict pattern and reaches it
// as data on its stdin (script-input.ts). POSIX sh only.
import { parseVirshDomstats } from '../collect/parse-virsh-domstats.ts';
import type { DomainStats } from '../collect/parse-virsh-domstats.ts';
import { parseVirshList } from '../collect/parse-virsh-list.ts';
import { SCRIPT_INPUT_READER, withScriptInput } from './script-input.ts';

/** 2: the URI on stdin, not in the text (1: single-quoted into it). */
export const LIBVIRT_SCRIPT_VERSION = 2;
/** The system instance, where a hypervisor's VMs live (a non-root login defaults to its own session). */
export const DEFAULT_LIBVIRT_URI = 'qemu:///system';

// driver[+transport]://[user@][host][:port]/path[?query], no quotes, spaces or shell syntax.
const LIBVIRT_URI = /^[a-z][a-z0-9]*(?:\+[a-z0-9]+)?:\/\/(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9.:[\]_-]*\/[A-Za-z0-9._~/-]*(?:\?[A-Za-z0-9._~=&/-]*)?$/;

export function isLibvirtUri(uri: string): boolean {
  return LIBVIRT_URI.test(uri);
}

// Without a URI, virsh would pick one by its own defaults: that is exit status 64, as a failed command.
export const LIBVIRT_SCRIPT = `# vigil-libvirt ${LIBVIRT_SCRIPT_VERSION}
LC_ALL=C
export LC_ALL
${SCRIPT_INPUT_READER}
if ! command -v virsh >/dev/null 2>&1; then
  printf '@@no-virsh\\n@@end\\n'
  exit 0
fi
if [ "$#" -eq 0 ]; then
  printf '@@virsh-list\\nno libvirt URI on stdin\\n@@status 64\\n@@end\\n'
  exit 0
fi
printf '@@virsh-list\\n'
virsh -r -c "$1" list --all 2>&1
printf '@@status %s\\n' "$?"
printf '@@virsh-domstats\\n'
virsh -r -c "$1" domstats --raw --nowait 2>&1
printf '@@status %s\\n' "$?"
printf '@@end\\n'
`;

/** The text to run for `uri`: the constant script with the URI on its stdin. */
export function libvirtScript(uri: string = DEFAULT_LIBVIRT_URI): string {
  if (!isLibvirtUri(uri)) throw new Error(`${JSON.stringify(uri)} is not a libvirt URI Vigil accepts`);
  return withScriptInput(LIBVIRT_SCRIPT, [uri]);
}

export interface VirtualMachine extends Omit<DomainStats, 'state'> {
  /** From `virsh list`: null when the domain is not running. */
  id: number | null;
  /** From domstats, or from `virsh list` when domstats left the domain out. */
  state: DomainStats['state'];
}

export interface LibvirtReport {
  /** false: virsh is not installed on the host. */
  virshFound: boolean;
  /** What virsh said when a command failed (no daemon, no permission); null when both succeeded. */
  error: string | null;
  vms: VirtualMachine[];
}

/** Every domain `virsh list --all` or domstats named, in list order, merged by name. */
export function parseLibvirtOutput(output: string): LibvirtReport {
  if (output.includes('@@no-virsh\n')) return { virshFound: false, error: null, vms: [] };
  if (!/(^|\n)@@end\n?$/.test(output)) return { virshFound: true, error: 'the script output was cut short', vms: [] };
  const list = section(output, '@@virsh-list');
  const stats = section(output, '@@virsh-domstats');
  const errors = [...new Set([list, stats].filter((part) => part.status !== 0).map((part) => virshError(part.text)))];
  // virsh prints the table's header even for no domains: without it, whatever answered is no virsh.
  if (list.status === 0 && !LIST_HEADER.test(list.text)) errors.push(`virsh list printed no table of domains: ${JSON.stringify(firstLine(list.text))}`);
  const listed = parseVirshList(list.text);
  const statsByName = new Map(parseVirshDomstats(stats.text).map((domain) => [domain.name, domain]));
  const vms: VirtualMachine[] = listed.map((domain) => {
    const domainStats = statsByName.get(domain.name) ?? emptyStats(domain.name);
    statsByName.delete(domain.name);
    return { ...domainStats, id: domain.id, state: domainStats.state ?? domain.state };
  });
  // Defined between the two commands: domstats saw it, list did not.
  for (const domainStats of statsByName.values()) vms.push({ ...domainStats, id: null });
  return { virshFound: true, error: errors.length > 0 ? errors.join('; ') : null, vms };
}

const LIST_HEADER = /^\s*Id\s+Name\s+State\s*$/m;

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? '').trim().slice(0, 200);
}

function section(output: string, marker: string): { text: string; status: number | null } {
  const start = output.indexOf(`${marker}\n`);
  if (start === -1) return { text: '', status: null };
  const rest = output.slice(start + marker.length + 1);
  const statusAt = rest.search(/(^|\n)@@status \d+\n/);
  if (statusAt === -1) return { text: rest, status: null };
  const status = /@@status (\d+)/.exec(rest.slice(statusAt)) as RegExpExecArray;
  return { text: rest.slice(0, statusAt), status: Number(status[1]) };
}

// virsh prints the general error first and the cause after it, each on an "error: " line.
function virshError(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const said = lines.filter((line) => line.startsWith('error:')).map((line) => line.slice('error:'.length).trim());
  return said.length > 0 ? said.join(': ') : (lines[0] ?? 'virsh failed without a message');
}

function emptyStats(name: string): DomainStats {
  return {
    name, state: null, cpuTimeNs: null, vcpuCurrent: null, vcpuMaximum: null, memoryCurrentKiB: null, memoryMaximumKiB: null,
    memoryRssKiB: null, memoryAvailableKiB: null, memoryUsableKiB: null, disks: [], interfaces: [], blockReadBytes: null, blockWriteBytes: null, netRxBytes: null, netTxBytes: null,
  };
}
