// `vigil_source` and `vigil_node_exporter_url`: where a host's samples come from. SSH runs the poll
// script; node_exporter scrapes the host's exporter and falls back to SSH for a poll it misses;
// snmp polls a printer or network device (its vigil_snmp_* variables: lib/snmp/snmp-target.ts);
// vsphere polls a vCenter or ESXi (its vigil_vsphere_* variables: lib/vsphere/vsphere-target.ts).
import { redactUrl } from '../redact-url.ts';

export const POLL_SOURCES = ['ssh', 'node_exporter', 'snmp', 'vsphere'] as const;
export type PollSource = (typeof POLL_SOURCES)[number];

export const NODE_EXPORTER_PORT = 9100;

/** Only what the variables set: a host without them keeps the plain HostTarget shape (compared by the scheduler). */
export interface SourceFromVars {
  source?: PollSource;
  /** Only with source node_exporter: the URL scraped. */
  nodeExporterUrl?: string;
}

/** Called with the variable at fault and what is wrong with it; must throw. */
export type InvalidSourceVariable = (variable: string, message: string) => never;

/** `address` is the host's ansible_host (or its name): the exporter's default host. */
export function sourceFromVars(vars: Record<string, unknown>, address: string, invalid: InvalidSourceVariable): SourceFromVars {
  const rawSource = vars['vigil_source'];
  const rawUrl = vars['vigil_node_exporter_url'];
  if (rawSource == null && rawUrl == null) return {};
  const source = readSource(rawSource, invalid);
  // Checked whatever the source, so that a typo does not wait to surface until someone switches.
  const url = rawUrl == null ? defaultNodeExporterUrl(address) : readUrl(rawUrl, invalid);
  if (source === 'ssh') return rawSource == null ? {} : { source };
  // An SNMP or vSphere host's settings are its vigil_snmp_* / vigil_vsphere_* variables
  // (HostTarget.snmp, HostTarget.vsphere), not a URL.
  if (source === 'snmp' || source === 'vsphere') return { source };
  return { source, nodeExporterUrl: url };
}

export function defaultNodeExporterUrl(address: string): string {
  // An IPv6 literal needs its brackets in a URL.
  const host = address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
  return `http://${host}:${NODE_EXPORTER_PORT}/metrics`;
}

function readSource(value: unknown, invalid: InvalidSourceVariable): PollSource {
  if (value == null) return 'ssh';
  const word = typeof value === 'string' ? value.trim().toLowerCase() : null;
  const source = POLL_SOURCES.find((name) => name === word);
  if (source !== undefined) return source;
  return invalid('vigil_source', `must be one of ${POLL_SOURCES.join(', ')}, got ${show(value)}`);
}

function readUrl(value: unknown, invalid: InvalidSourceVariable): string {
  if (typeof value !== 'string' || value.trim() === '') return invalid('vigil_node_exporter_url', `must be an http:// or https:// URL, got ${show(value)}`);
  // A URL may carry basic-auth credentials: an error shows it with the password masked.
  const shown = show(redactUrl(value.trim()));
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return invalid('vigil_node_exporter_url', `must be an http:// or https:// URL, got ${shown}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return invalid('vigil_node_exporter_url', `must be an http:// or https:// URL, got the scheme ${url.protocol}`);
  }
  if (url.hostname === '') return invalid('vigil_node_exporter_url', `has no host: ${shown}`);
  return url.href;
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
