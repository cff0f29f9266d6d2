// The typed shape of Vigil's tables, as kysely sees them. Migrations in ./migrations create them.
import type { ColumnType, Generated, Kysely } from 'kysely';
import type { FilesystemUsage, InterfaceRate } from '../collect/sample.ts';

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
  /** When the host left the inventory; its history stays. */
  removed_at: Timestamp | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
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
}

export interface PollFailuresTable {
  id: Generated<number>;
  host: string;
  ts: Timestamp;
  reason: string;
  message: string;
}

export interface Database {
  hosts: HostsTable;
  samples: SamplesTable;
  poll_failures: PollFailuresTable;
}

export type VigilDb = Kysely<Database>;
