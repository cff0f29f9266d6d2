// A reboot is seen as uptime going backwards between two polls (also across an outage: the first
// poll after it shows the short uptime). It fires once and resolves `for` after the boot, so a
// reboot shows as a short-lived alert rather than a condition someone must clear.
import type { AlertRule } from './alerts-config.ts';
import { formatDuration } from './alerts-file.ts';
import { firingEvent, resolvedEvent, subjectOf } from './rule-state.ts';
import type { AlertContext, AlertStateBase, Evaluation } from './rule-state.ts';

export interface RebootState extends AlertStateBase {
  uptimeSec: number | null;
}

export const INITIAL_REBOOT_STATE: RebootState = { active: null, uptimeSec: null };
export const DEFAULT_REBOOT_SHOWN_MS = 15 * 60_000;

export interface BootReading {
  /** null: the sample has no uptime, which changes nothing. */
  uptimeSec: number | null;
  /** The worker's own verdict (uptime went down since its previous poll of the host). */
  rebooted?: boolean;
  /** Milliseconds since the epoch, when the worker knows it. */
  bootTime?: number | null;
}

export function evaluateReboot(state: RebootState, reading: BootReading, rule: AlertRule, ctx: AlertContext): Evaluation<RebootState> {
  const uptimeSec = reading.uptimeSec;
  if (uptimeSec === null) return { state, events: [] };
  const shownMs = rule.forMs ?? DEFAULT_REBOOT_SHOWN_MS;
  const events = [];
  let active = state.active;
  if (active && ctx.now - active.startsAt >= shownMs) {
    events.push(resolvedEvent(active, ctx.now, uptimeSec));
    active = null;
  }
  // Uptime counts seconds since boot; a smaller value than last time means a new boot. The
  // slack absorbs /proc/uptime's rounding between two close polls.
  if (reading.rebooted === true || (state.uptimeSec !== null && uptimeSec + 1 < state.uptimeSec)) {
    const bootedAt = reading.bootTime ?? Math.round(ctx.now - uptimeSec * 1000);
    if (active) events.push(resolvedEvent(active, ctx.now, uptimeSec));
    active = firingEvent(rule, ctx, {
      severity: rule.severity ?? 'info',
      value: uptimeSec,
      threshold: null,
      summary: `${subjectOf(rule, ctx.labels)}: ${ctx.host} booted ${formatDuration(Math.max(0, Math.round(uptimeSec) * 1000))} ago`,
      startsAt: bootedAt,
    });
    events.push(active);
  }
  return { state: { active, uptimeSec }, events };
}
