// A physical network interface whose link went down: a cable pulled, a switch port shut, a bond
// losing a member; as Zabbix's "Link down" trigger and node_exporter users' alert on
// node_network_up. Only a link once seen up can go down: a port never cabled (a server's spare
// NIC) stays quiet. Software interfaces (bridges, veths, tunnels, bonds) and loopback are left
// out: a veth goes down with every container stopped. It is a threshold on "down" (1) once the
// link has been up, so `for` and per-interface overrides work as for any threshold.
import type { AlertRule } from './alerts-config.ts';
import { evaluateThreshold, INITIAL_THRESHOLD_STATE, singleLevelRule } from './evaluate-threshold.ts';
import type { ThresholdState } from './evaluate-threshold.ts';
import type { MetricValue } from './evaluate-metric.ts';
import { subjectOf } from './rule-state.ts';
import type { AlertContext, Evaluation } from './rule-state.ts';
import type { InterfaceRate } from '../collect/sample.ts';

export interface InterfaceDownState extends ThresholdState {
  /** Whether the link has been seen up: until then "down" is not news. */
  seenUp: boolean;
}

export const INITIAL_INTERFACE_DOWN_STATE: InterfaceDownState = { ...INITIAL_THRESHOLD_STATE, seenUp: false };

const UP = 0;
const DOWN = 1;
/** dormant, testing, notpresent, unknown: neither, which changes nothing. */
const OTHER = 2;

/**
 * One value per physical interface with a known link state; null when the sample says nothing
 * of links (no interfaces rated yet, as on a worker's first poll of the host, or a script or
 * source that does not read them), which keeps the alerts as they are.
 */
export function linkStateValues(interfaces: readonly InterfaceRate[] | null | undefined): MetricValue[] | null {
  if (!interfaces || !interfaces.some((iface) => iface.operState !== undefined)) return null;
  const values: MetricValue[] = [];
  for (const iface of interfaces) {
    if (iface.virtual || iface.loopback || iface.operState === undefined) continue;
    const state = iface.operState;
    values.push({ labels: { name: iface.name }, value: state === 'up' ? UP : state === 'down' || state === 'lowerlayerdown' ? DOWN : OTHER });
  }
  return values;
}

export function evaluateInterfaceDown(state: InterfaceDownState, value: number, rule: AlertRule, ctx: AlertContext): Evaluation<InterfaceDownState> {
  const seenUp = state.seenUp || value === UP;
  const judged = seenUp && value !== OTHER ? value : null;
  const evaluation = evaluateThreshold(state, judged, singleLevelRule(rule, 'warning', 'above', 0), ctx, () => subjectOf(rule, ctx.labels));
  return { state: { ...evaluation.state, seenUp }, events: evaluation.events };
}
