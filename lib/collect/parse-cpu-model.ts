/**
 * The CPU model from the head of /proc/cpuinfo: x86's "model name"; ARM prints none, so "Hardware"
 * or the implementer/part ids stand in; s390 and POWER print "cpu".
 */
export function parseCpuModel(text: string): string | null {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key !== '' && value !== '' && !values.has(key)) values.set(key, value.slice(0, 200));
  }
  const model = values.get('model name') ?? values.get('Hardware') ?? values.get('cpu');
  if (model !== undefined) return model;
  const implementer = values.get('CPU implementer');
  const part = values.get('CPU part');
  return implementer !== undefined && part !== undefined ? `implementer ${implementer} part ${part}` : null;
}
