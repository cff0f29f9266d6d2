// The rules Vigil runs without an alerts.yml: the levels operators expect. inventory/alerts.yml
// states exactly these in YAML, for people to copy and edit; a test keeps the two equal.
import type { AlertRule, AlertsConfig } from './alerts-config.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const DEFAULT_RULES: AlertRule[] = [
  {
    name: 'cpu_busy', kind: 'threshold', metric: 'cpuBusyPct',
    levels: { warning: 80, critical: 95 }, recoverAt: 75, forMs: 2 * MINUTE, summary: 'CPU busy', unit: '%',
  },
  {
    name: 'memory_used', kind: 'threshold', metric: 'memUsedPct',
    levels: { warning: 90 }, recoverAt: 85, forMs: 2 * MINUTE, summary: 'Memory used', unit: '%',
  },
  {
    name: 'swap_used', kind: 'threshold', metric: 'swapUsedPct',
    levels: { warning: 50 }, recoverAt: 40, forMs: 5 * MINUTE, summary: 'Swap used', unit: '%',
  },
  {
    name: 'filesystem_used', kind: 'threshold', metric: 'filesystems.usedPct',
    levels: { warning: 85, critical: 95 }, recoverAt: 83, summary: 'Filesystem used', unit: '%',
  },
  {
    name: 'inodes_used', kind: 'threshold', metric: 'filesystems.inodesUsedPct',
    levels: { warning: 90 }, recoverAt: 88, summary: 'Inodes used', unit: '%',
  },
  {
    name: 'load_per_core', kind: 'threshold', metric: 'loadPerCore',
    levels: { warning: 2 }, recoverAt: 1.5, forMs: 5 * MINUTE, summary: 'Load per core',
  },
  // Zabbix's Linux template's levels: a disk whose requests take over 20 ms on average for 15
  // minutes is a disk users wait on. A minute with no request has no latency and changes nothing.
  {
    name: 'disk_read_latency', kind: 'threshold', metric: 'disks.readLatencyMs',
    levels: { warning: 20 }, recoverAt: 15, forMs: 15 * MINUTE, summary: 'Disk read latency', unit: 'ms',
  },
  {
    name: 'disk_write_latency', kind: 'threshold', metric: 'disks.writeLatencyMs',
    levels: { warning: 20 }, recoverAt: 15, forMs: 15 * MINUTE, summary: 'Disk write latency', unit: 'ms',
  },
  {
    name: 'gpu_temperature', kind: 'threshold', metric: 'gpus.temperatureC',
    levels: { warning: 85, critical: 95 }, recoverAt: 80, forMs: 2 * MINUTE, summary: 'GPU temperature', unit: '°C',
  },
  // Printers (vigil_source: snmp, printer profile); other hosts have no `device` and never match.
  {
    name: 'supply_low', kind: 'threshold', metric: 'device.supplies.remainingPct', direction: 'below',
    levels: { warning: 20 }, recoverAt: 25, summary: 'Printer supply low', unit: '%',
  },
  {
    name: 'printer_error', kind: 'threshold', metric: 'device.errors.active',
    levels: { warning: 0 }, recoverAt: 0, forMs: 2 * MINUTE, summary: 'Printer error',
  },
  // Zabbix's "System time is out of sync": over a minute from the worker's clock (measured to about a second).
  {
    name: 'clock_skew', kind: 'threshold', metric: 'clockSkewSec',
    levels: { warning: 60 }, recoverAt: 30, forMs: 2 * MINUTE, summary: 'Clock off by', unit: 's',
  },
  { name: 'filesystem_full_soon', kind: 'predict-full', hours: 24, windowMs: 6 * HOUR, severity: 'warning', summary: 'Filesystem full within' },
  { name: 'host_down', kind: 'host-down', severity: 'critical', summary: 'Host down' },
  { name: 'host_key_changed', kind: 'host-key-changed', severity: 'critical', summary: 'SSH host key changed' },
  // Service checks (vigil_checks), one alert per check.
  { name: 'check_failing', kind: 'check-failing', polls: 2, severity: 'critical', summary: 'Service check failing' },
  {
    name: 'certificate_expiring', kind: 'threshold', metric: 'checks.certDaysLeft', direction: 'below',
    levels: { warning: 14 }, recoverAt: 14, summary: 'TLS certificate expires in', unit: 'days',
  },
  { name: 'process_missing', kind: 'process-missing', metric: 'processes.matches.count', severity: 'critical', summary: 'Watched process not running' },
  { name: 'unit_failed', kind: 'unit-failed', severity: 'warning', summary: 'systemd unit failed' },
  { name: 'interface_down', kind: 'interface-down', severity: 'warning', summary: 'Network link down' },
  { name: 'reboot', kind: 'reboot', forMs: 15 * MINUTE, severity: 'info', summary: 'Host rebooted' },
  { name: 'no_data', kind: 'absent', forMs: 5 * MINUTE, severity: 'warning', summary: 'No poll results' },
];

export const DEFAULT_ALERTS: AlertsConfig = {
  source: null,
  rules: DEFAULT_RULES,
  receivers: [],
  routes: [],
  defaultReceivers: [],
  defaultEscalate: [],
  // Alertmanager's 30 s group_wait would hold every first notice for 30 s: 1 s lets the first one
  // go at once. group_interval keeps that from flooding: the rest of a storm (polls are spread
  // over the hosts' interval, so a failed switch's hosts fire over seconds) go as one follow-up.
  groupWaitMs: 1_000,
  groupIntervalMs: MINUTE,
  repeatIntervalMs: 4 * HOUR,
  flapWindowMs: HOUR,
  flapMaxChanges: 6,
  // A host that is down fails its checks too: one notice of the cause, not one per symptom.
  inhibitRules: [{ source: { rules: ['host_down'] }, equal: [] }],
};

/** A copy the caller may change. */
export function defaultAlerts(): AlertsConfig {
  return structuredClone(DEFAULT_ALERTS);
}
