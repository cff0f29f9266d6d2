import type { InterfaceCounters } from './sample.ts';
import { parseCount } from './parse-count.ts';
import { splitFields } from './split-fields.ts';

/**
 * /proc/net/dev: two header lines, then "  name: 8 receive fields 8 transmit fields".
 * The name ends at the first colon (Linux forbids ':' in interface names), and old kernels print
 * no space after it ("eth0:123"). Malformed lines are skipped; no interface at all is null.
 */
export function parseNetDev(text: string): InterfaceCounters[] | null {
  const interfaces: InterfaceCounters[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (name === '' || /[\s|]/.test(name)) continue;
    const fields = splitFields(line, colon + 1);
    if (fields.length < 16) continue;
    const values = fields.slice(0, 16).map(parseCount);
    if (values.some((v) => v === null)) continue;
    const [rxBytes = 0, rxPackets = 0, rxErrors = 0, rxDrops = 0, , , , , txBytes = 0, txPackets = 0, txErrors = 0, txDrops = 0] =
      values as number[];
    interfaces.push({ name, rxBytes, rxPackets, rxErrors, rxDrops, txBytes, txPackets, txErrors, txDrops });
  }
  return interfaces.length > 0 ? interfaces : null;
}
