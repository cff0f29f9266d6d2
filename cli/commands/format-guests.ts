// `vigil poll`'s lines for the entries a host's poll listed under it (a KVM host's libvirt guests):
// one line each, its name under the host, power state and the figures a host line shows.
import type { PollChild } from '../../lib/poll/poll-messages.ts';

/** Empty for a poll that listed none. */
export function formatGuests(host: string, children: readonly PollChild[]): string {
  if (children.length === 0) return '';
  const rows = children.map((child) => {
    const s = child.sample;
    const figures = [
      s.cpuBusyPct == null ? null : `cpu ${s.cpuBusyPct.toFixed(1)} %${s.cpuCount == null ? '' : ` of ${s.cpuCount}`}`,
      s.memUsedPct == null ? (s.memTotalBytes == null ? null : `memory ${(s.memTotalBytes / 2 ** 30).toFixed(1)} GiB`) : `memory ${s.memUsedPct.toFixed(1)} % used`,
      s.netRxBytesPerSec == null ? null : `network in ${Math.round(s.netRxBytesPerSec)} B/s, out ${Math.round(s.netTxBytesPerSec ?? 0)} B/s`,
    ].filter((part) => part !== null);
    return [s.host.startsWith(`${host}/`) ? s.host.slice(host.length + 1) : s.host, child.down === undefined ? child.powerState : `${child.powerState} (down: ${child.down.reason})`, figures.join(', ')];
  });
  const nameWidth = Math.max(...rows.map((row) => (row[0] as string).length));
  const stateWidth = Math.max(...rows.map((row) => (row[1] as string).length));
  const lines = rows.map(([name, state, figures]) => `  ${(name as string).padEnd(nameWidth)}  ${(state as string).padEnd(stateWidth)}  ${figures as string}`.trimEnd());
  return ['', `guests (${children.length}, as ${host}/<name>)`, ...lines].join('\n') + '\n';
}
