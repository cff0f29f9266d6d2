// The typed shape of Vigil's tables, as kysely sees them. Migrations in ./migrations create them.
import type { HostAlerting } from '../alerting/alerts-config.ts';
import type { InventorySnapshotGroup } from '../inventory/inventory-snapshot.ts';
import type { ColumnType, Generated, Kysely } from 'kysely';
import type { CpuModes, DiskRate, FilesystemUsage, GpuReading, InterfaceRate, Pressure, ProcessSummary } from '../collect/sample.ts';
import type { CheckResult } from '../checks/check-result.ts';
import type { SnmpReport } from '../snmp/poll-snmp.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type HostStatus = 'unknown' | 'up' | 'down';

export interface HostsTable {
  name: string;
  address: string;
  connection: string;
  groups: ColumnType<string[], string, string>;
  interval_sec: number;
  status: ColumnType<HostStatus, HostStatus | undefined, HostStatus>;
  /** The failure reason of the latest poll (a FailureReason), null after a good poll. */
  status_reason: string | null;
  status_message: string | null;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  last_poll_at: Timestamp | null;
  last_sample_at: Timestamp | null;
  /** The source of the newest sample: 'ssh' (the poll script) or 'node_exporter' (migration 0014). */
  last_sample_source: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the host left the inventory; its history stays. */
  removed_at: Timestamp | null;
  /** From the latest sample: when the host booted, by the worker's clock. */
  boot_time: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  // Host facts, written when a sample carries them (a worker's first poll of the host, or a change).
  hostname: ColumnType<string | null, string | null | undefined, string | null>;
  kernel: ColumnType<string | null, string | null | undefined, string | null>;
  os_name: ColumnType<string | null, string | null | undefined, string | null>;
  os_version: ColumnType<string | null, string | null | undefined, string | null>;
  cpu_model: ColumnType<string | null, string | null | undefined, string | null>;
  architecture: ColumnType<string | null, string | null | undefined, string | null>;
  facts_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** vigil_thresholds, vigil_down_after and vigil_maintenance as the inventory set them (HostAlerting). */
  alerting: ColumnType<HostAlerting | null, string | null | undefined, string | null>;
  /** Inventory names of the SSH bastions the host is reached through, outermost first. */
  via: ColumnType<string[], string | undefined, string>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  /** Set by a trigger (migration 0009) when what the live feed shows changes; xid8 as text. */
  changed_xid: ColumnType<string | null, never, never>;
  /** The inventory host this entry is polled through (a vCenter's hypervisor or VM, migration 0016); null for inventory hosts. */
  parent: ColumnType<string | null, string | null | undefined, string | null>;
  /** vSphere's power state of a child entry (poweredOn, poweredOff, suspended, standBy); null otherwise. */
  power_state: ColumnType<string | null, string | null | undefined, string | null>;
  /** The entry running this one (a VM's hypervisor, `<parent>/<name>`); null otherwise. */
  runs_on: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Partitioned by day on ts; (host, ts) is unique so that a redelivered result is stored once. */
export interface SamplesTable {
  host: string;
  ts: Timestamp;
  cpu_busy_pct: number | null;
  cpu_count: number | null;
  mem_total_bytes: number | null;
  mem_available_bytes: number | null;
  mem_used_pct: number | null;
  swap_total_bytes: number | null;
  swap_used_bytes: number | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  uptime_sec: number | null;
  net_rx_bps: number | null;
  net_tx_bps: number | null;
  disk_used_pct_max: number | null;
  /** `json`, not `jsonb`: written once and read whole, and jsonb costs twice as much to store. */
  filesystems: ColumnType<FilesystemUsage[], string, string>;
  interfaces: ColumnType<InterfaceRate[], string, string>;
  // Added by migration 0003; optional on insert so that rows written without them stay valid.
  mem_buffers_bytes: ColumnType<number | null, number | null | undefined, number | null>;
  mem_cached_bytes: ColumnType<number | null, number | null | undefined, number | null>;
  load_per_core: ColumnType<number | null, number | null | undefined, number | null>;
  rebooted: ColumnType<boolean, boolean | undefined, boolean>;
  disk_read_bps: ColumnType<number | null, number | null | undefined, number | null>;
  disk_write_bps: ColumnType<number | null, number | null | undefined, number | null>;
  processes_total: ColumnType<number | null, number | null | undefined, number | null>;
  processes_running: ColumnType<number | null, number | null | undefined, number | null>;
  cpu_modes: ColumnType<CpuModes | null, string | null | undefined, string | null>;
  per_core_busy_pct: ColumnType<number[] | null, string | null | undefined, string | null>;
  disks: ColumnType<DiskRate[] | null, string | null | undefined, string | null>;
  processes: ColumnType<ProcessSummary | null, string | null | undefined, string | null>;
  pressure: ColumnType<Pressure | null, string | null | undefined, string | null>;
  failed_units: ColumnType<string[] | null, string | null | undefined, string | null>;
  gpus: ColumnType<GpuReading[] | null, string | null | undefined, string | null>;
  missing: ColumnType<string[] | null, string | null | undefined, string | null>;
  // Added by migration 0015 (issue #8): service check results and an SNMP device's report.
  checks: ColumnType<CheckResult[] | null, string | null | undefined, string | null>;
  device: ColumnType<SnmpReport | null, string | null | undefined, string | null>;
  // Added by migration 0018: the kernel's activity from /proc/stat.
  context_switches_per_sec: ColumnType<number | null, number | null | undefined, number | null>;
  interrupts_per_sec: ColumnType<number | null, number | null | undefined, number | null>;
  forks_per_sec: ColumnType<number | null, number | null | undefined, number | null>;
  processes_blocked: ColumnType<number | null, number | null | undefined, number | null>;
  // Added by migration 0025: the host's clock minus the worker's, whole seconds.
  clock_offset_sec: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface PollFailuresTable {
  id: Generated<number>;
  host: string;
  ts: Timestamp;
  reason: string;
  message: string;
  /** Migration 0015: the service checks that ran with the failed poll (they do not need the host's SSH). */
  checks: ColumnType<CheckResult[] | null, string | null | undefined, string | null>;
}

/** One inventory reload, good or failed; the error names file and line, never a variable's value. */
export interface InventoryReloadsTable {
  id: Generated<number>;
  at: ColumnType<Date, Date | string | undefined, never>;
  source: string;
  ok: boolean;
  /** Hosts polled after the reload (the last good set when it failed). */
  hosts: number;
  added: number;
  removed: number;
  changed: number;
  error: string | null;
  error_file: string | null;
  error_line: number | null;
}

/** One alert (rule + host + labels), its state and what was told about it. */
export interface AlertsTable {
  key: string;
  rule: string;
  host: string;
  labels: ColumnType<Record<string, string>, string, string>;
  severity: string;
  state: 'pending' | 'firing' | 'resolved';
  summary: string;
  value: number | null;
  threshold: number | null;
  receivers: ColumnType<string[], string, string>;
  starts_at: Timestamp;
  ends_at: Timestamp | null;
  last_event_at: Timestamp;
  last_notified_at: Timestamp | null;
  /** A firing notice went out (or is queued) for the current occurrence. */
  notified_firing: boolean;
  acked_by: string | null;
  acked_at: Timestamp | null;
  acked_comment: string | null;
  flapping: boolean;
  /** Milliseconds since the epoch of the recent state changes, for flap detection. */
  state_changes: ColumnType<number[], string, string>;
  /** Set by a trigger (migration 0009) on fire, resolve, ack and flapping; xid8 as text. */
  changed_xid: ColumnType<string | null, never, never>;
  /** Migration 0021: why its notices are held back now, as the alerter last judged it; null: they go out. */
  held_back_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** How many of its escalation steps were told (migration 0024). */
  escalated_steps: ColumnType<number, number | undefined, number>;
}

export interface AlertHistoryTable {
  id: Generated<number>;
  alert_key: string;
  at: Timestamp;
  /** firing, resolved, acked, flapping, settled, silenced, notified. */
  event: string;
  actor: string | null;
  comment: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
}

/** Migration 0022: one time an alert fired, from its start to its end (null while it fires). */
export interface AlertEpisodesTable {
  id: Generated<number>;
  alert_key: string;
  rule: string;
  /** The rule's kind (a RuleKind) when the alerter knew the rule; availability reads host-down and check-failing. */
  kind: string | null;
  host: string;
  labels: ColumnType<Record<string, string>, string, string>;
  severity: string;
  started_at: Timestamp;
  ended_at: Timestamp | null;
}

/** Migration 0023: an incident posted on the public status page. */
export interface StatusIncidentsTable {
  id: Generated<number>;
  title: string;
  /** An IncidentImpact (lib/web/status-incidents.ts). */
  impact: string;
  /** The inventory groups it affects; none: the page as a whole. */
  groups: ColumnType<string[], string | undefined, string>;
  created_at: Timestamp;
  created_by: string;
  /** Its newest update's time. */
  updated_at: Timestamp;
  /** Set by an update with status resolved; cleared by a later update that is not. */
  resolved_at: Timestamp | null;
}

/** Migration 0023: one entry of an incident's timeline. */
export interface StatusIncidentUpdatesTable {
  id: Generated<number>;
  incident_id: number;
  /** An IncidentStatus (lib/web/status-incidents.ts). */
  status: string;
  message: string;
  created_at: Timestamp;
  created_by: string;
}

export interface SilenceMatchers {
  host?: string;
  group?: string;
  rule?: string;
}

export interface SilencesTable {
  id: Generated<number>;
  matchers: ColumnType<SilenceMatchers, string, string>;
  starts_at: Timestamp;
  ends_at: Timestamp;
  comment: string;
  created_by: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  expired_at: Timestamp | null;
}

/** The outbox: one message to one channel of one receiver, listing one or more alerts. */
export interface NotificationsTable {
  id: Generated<number>;
  receiver: string;
  channel: 'email' | 'webhook';
  target: ColumnType<Record<string, unknown>, string, string>;
  kind: string;
  alert_keys: ColumnType<string[], string, string>;
  alerts: ColumnType<unknown[], string, string>;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  created_at: Timestamp;
  next_attempt_at: Timestamp;
  sent_at: Timestamp | null;
}

/**
 * Per host and minute (samples_1m) or hour (samples_1h): min, max and average of each headline
 * metric over the bucket's samples. Partitioned by month on bucket; built by lib/db/rollups.
 */
export interface SampleRollupsTable {
  host: string;
  /** Start of the bucket, aligned on UTC minutes or hours. */
  bucket: Timestamp;
  sample_count: number;
  cpu_busy_pct_min: number | null;
  cpu_busy_pct_max: number | null;
  cpu_busy_pct_avg: number | null;
  mem_used_pct_min: number | null;
  mem_used_pct_max: number | null;
  mem_used_pct_avg: number | null;
  load1_min: number | null;
  load1_max: number | null;
  load1_avg: number | null;
  net_rx_bps_min: number | null;
  net_rx_bps_max: number | null;
  net_rx_bps_avg: number | null;
  net_tx_bps_min: number | null;
  net_tx_bps_max: number | null;
  net_tx_bps_avg: number | null;
  disk_used_pct_max_min: number | null;
  disk_used_pct_max_max: number | null;
  disk_used_pct_max_avg: number | null;
  disk_read_bps_min: number | null;
  disk_read_bps_max: number | null;
  disk_read_bps_avg: number | null;
  disk_write_bps_min: number | null;
  disk_write_bps_max: number | null;
  disk_write_bps_avg: number | null;
  // Added by migration 0011 (averages only, for the host page's charts); NULL in older buckets.
  cpu_user_pct_avg: ColumnType<number | null, number | null | undefined, number | null>;
  cpu_nice_pct_avg: ColumnType<number | null, number | null | undefined, number | null>;
  cpu_system_pct_avg: ColumnType<number | null, number | null | undefined, number | null>;
  cpu_iowait_pct_avg: ColumnType<number | null, number | null | undefined, number | null>;
  cpu_irq_pct_avg: ColumnType<number | null, number | null | undefined, number | null>;
  cpu_softirq_pct_avg: ColumnType<number | null, number | null | undefined, number | null>;
  cpu_steal_pct_avg: ColumnType<number | null, number | null | undefined, number | null>;
  swap_used_pct_avg: ColumnType<number | null, number | null | undefined, number | null>;
  load5_avg: ColumnType<number | null, number | null | undefined, number | null>;
  load15_avg: ColumnType<number | null, number | null | undefined, number | null>;
  load_per_core_avg: ColumnType<number | null, number | null | undefined, number | null>;
  // Added by migration 0019 (averages only, for the host page's kernel activity charts); NULL in older buckets.
  context_switches_per_sec_avg: ColumnType<number | null, number | null | undefined, number | null>;
  interrupts_per_sec_avg: ColumnType<number | null, number | null | undefined, number | null>;
  forks_per_sec_avg: ColumnType<number | null, number | null | undefined, number | null>;
  processes_blocked_avg: ColumnType<number | null, number | null | undefined, number | null>;
  /** Per-device averages as [kind, name, v1, v2, v3] tuples (lib/db/rollups/device-figures.ts). */
  devices: ColumnType<[string, string, number | null, number | null, number | null][] | null, string | null | undefined, string | null>;
}

/** Every bucket of `resolution` starting before rolled_until has been built from the raw samples. */
export interface RollupProgressTable {
  resolution: '1m' | '1h';
  rolled_until: Timestamp;
}

/** One running Vigil process (lib/metrics/service-heartbeat.ts); seen_at by the database's clock. */
export interface ServiceHeartbeatsTable {
  service: string;
  instance: string;
  host: string;
  pid: number;
  started_at: Timestamp;
  seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  info: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export type UserRole = 'viewer' | 'admin';

/** A person (or script owner) allowed in; password_hash is lib/auth/password-hash.ts's format. */
export interface UsersTable {
  name: string;
  role: UserRole;
  password_hash: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A browser login; id_hash is the sha256 of the cookie's value, which only the browser holds. */
export interface SessionsTable {
  id_hash: string;
  user_name: string;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
}

/** A token for scripts; token_hash is the sha256 of the token, which was shown once. */
export interface ApiTokensTable {
  id: Generated<number>;
  token_hash: string;
  name: string;
  user_name: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  expires_at: Timestamp | null;
  last_used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** The inventory as the scheduler last read it, secrets masked (lib/inventory/inventory-snapshot.ts). */
export interface InventorySnapshotsTable {
  id: Generated<number>;
  loaded_at: ColumnType<Date, Date | string | undefined, never>;
  source: string;
  /** sha256 of the snapshot's content: a reload that changed nothing writes nothing. */
  hash: string;
  groups: ColumnType<InventorySnapshotGroup[], string, string>;
}

export interface InventorySnapshotHostsTable {
  snapshot_id: number;
  name: string;
  /** The host's place in Ansible's order. */
  position: number;
  groups: ColumnType<string[], string, string>;
  vars: ColumnType<Record<string, unknown>, string, string>;
}

/** A host polled at a short interval until `until` (POST /api/v1/hosts/{name}/live). */
export interface LivePollsTable {
  host: string;
  until: Timestamp;
  interval_sec: number;
  requested_by: string;
  requested_at: Timestamp;
}

/**
 * One host's rows of a closed hour, moved out of samples (kind raw) or samples_1m (kind 1m) into
 * one columnar, compressed payload (lib/db/chunks). The span is [start_ts, end_ts).
 */
export interface SampleChunksTable {
  kind: 'raw' | '1m';
  host: string;
  start_ts: Timestamp;
  end_ts: Timestamp;
  row_count: number;
  /** A Buffer from pg, a Uint8Array from PGlite. */
  payload: Uint8Array;
}

export interface Database {
  hosts: HostsTable;
  samples: SamplesTable;
  poll_failures: PollFailuresTable;
  inventory_reloads: InventoryReloadsTable;
  alerts: AlertsTable;
  alert_history: AlertHistoryTable;
  alert_episodes: AlertEpisodesTable;
  silences: SilencesTable;
  status_incidents: StatusIncidentsTable;
  status_incident_updates: StatusIncidentUpdatesTable;
  notifications: NotificationsTable;
  samples_1m: SampleRollupsTable;
  samples_1h: SampleRollupsTable;
  rollup_progress: RollupProgressTable;
  service_heartbeats: ServiceHeartbeatsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  inventory_snapshots: InventorySnapshotsTable;
  inventory_snapshot_hosts: InventorySnapshotHostsTable;
  live_polls: LivePollsTable;
  sample_chunks: SampleChunksTable;
}

export type VigilDb = Kysely<Database>;
