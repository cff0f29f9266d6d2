// From the output of systemdCheckScript to one CheckResult per systemd check. A unit is up when
// active (or reloading, which is active with its configuration being re-read); a oneshot unit
// without RemainAfterExit is inactive between runs, so it is no candidate for such a check.
import type { CheckResult } from './check-result.ts';
import type { SystemdCheckSpec } from './check-spec.ts';
import { parseSystemctlShow } from './parse-systemctl-show.ts';
import type { UnitState } from './parse-systemctl-show.ts';

const SECTION = '@@systemd';

/** `specs` in the order their units were given to systemdCheckScript. */
export function systemdCheckResults(specs: readonly SystemdCheckSpec[], output: string): CheckResult[] {
  const start = output.indexOf(`${SECTION}\n`);
  const end = output.indexOf('\n@@end', start);
  if (start === -1 || end === -1) return specs.map((spec) => broken(spec, 'the script output was cut short'));
  const lines = output.slice(start + SECTION.length + 1, end + 1).split('\n');
  const statusLine = lines.findLast((line) => line.startsWith('@@status '));
  const status = statusLine === undefined ? null : Number(statusLine.slice('@@status '.length));
  if (status === 127) return specs.map((spec) => broken(spec, 'systemctl is not installed on the host'));
  const body = lines.filter((line) => !line.startsWith('@@')).join('\n');
  const units = parseSystemctlShow(body);
  if (units.length !== specs.length) {
    // systemctl answered with an error instead of properties: not booted with systemd, no bus.
    const said = body.split('\n').find((line) => line.trim() !== '' && !line.includes('=')) ?? `exit status ${status ?? 'unknown'}`;
    return specs.map((spec) => broken(spec, `systemctl: ${said.trim()}`));
  }
  return specs.map((spec, index) => unitResult(spec, units[index] as UnitState));
}

function unitResult(spec: SystemdCheckSpec, unit: UnitState): CheckResult {
  const states = {
    ...(unit.loadState !== null && { loadState: unit.loadState }),
    ...(unit.activeState !== null && { activeState: unit.activeState }),
    ...(unit.subState !== null && { subState: unit.subState }),
  };
  const base = { id: spec.id, kind: 'systemd' as const, ...states };
  const shown = `${unit.activeState ?? '?'} (${unit.subState ?? '?'})`;
  if (unit.loadState === 'not-found') return { ...base, ok: false, reason: 'not-found', message: `${spec.unit} is not installed` };
  if (unit.activeState === 'active' || unit.activeState === 'reloading') return { ...base, ok: true, message: shown };
  if (unit.activeState === 'failed') return { ...base, ok: false, reason: 'failed', message: shown };
  const masked = unit.loadState === 'masked' ? ', masked' : '';
  return { ...base, ok: false, reason: 'inactive', message: `${shown}${masked}` };
}

function broken(spec: SystemdCheckSpec, message: string): CheckResult {
  return { id: spec.id, kind: 'systemd', ok: false, reason: 'error', message };
}
