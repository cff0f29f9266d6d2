/**
 * When a host booted, from a sample's time and its uptime: to the second, so that the jitter of
 * consecutive polls does not make it wobble (a reboot is an uptime that went back, not a boot time
 * that moved); null without an uptime, or before 1970 (a garbled uptime). Every source's samples use it.
 */
export function bootTime(ts: number, uptimeSec: number | null): number | null {
  if (uptimeSec === null) return null;
  const at = Math.round((ts - uptimeSec * 1000) / 1000) * 1000;
  return Number.isFinite(at) && at >= 0 ? at : null;
}
