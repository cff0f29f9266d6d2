// From a rule's metric path to the values in one sample. Resolved generically, so that a field
// added to Sample is usable in alerts.yml with no code here: 'cpuBusyPct' is a headline field,
// 'filesystems.usedPct' gives one value per filesystem, labelled by its mount point.
import type { Sample } from '../collect/sample.ts';

export interface MetricValue {
  /** Which item the value belongs to ({} for a headline field), e.g. { mount: '/data' }. */
  labels: Record<string, string>;
  value: number;
}

/** The fields that identify an item of a list, in order of preference. */
// Before `name`: GPUs of one model share it, their index tells them apart.
const LABEL_FIELDS = ['mount', 'pattern', 'index', 'uuid', 'name', 'id', 'device'];

/** Figures people alert on that a sample holds only in parts. */
const DERIVED: Record<string, (sample: Sample) => number | null> = {
  swapUsedPct: (s) => (s.swapTotalBytes && s.swapUsedBytes !== null ? (100 * s.swapUsedBytes) / s.swapTotalBytes : s.swapTotalBytes === 0 ? 0 : null),
  loadPerCore: (s) => (s.load1 !== null && s.cpuCount ? s.load1 / s.cpuCount : null),
  load5PerCore: (s) => (s.load5 !== null && s.cpuCount ? s.load5 / s.cpuCount : null),
  load15PerCore: (s) => (s.load15 !== null && s.cpuCount ? s.load15 / s.cpuCount : null),
  // How far the host's clock is off, either way.
  clockSkewSec: (s) => (s.clockOffsetSec == null ? null : Math.abs(s.clockOffsetSec)),
};

/**
 * The values of `path` in `sample`; null when the sample does not have the metric (a null
 * field, a missing or empty section), which must neither fire nor resolve an alert.
 * The path walks objects by field name; at a list, the rest of the path applies to each item,
 * labelled by its mount, pattern, index or name ('processes.matches.count' → one value per
 * pattern). An empty array means the list is there but no item has the field. Items listed with
 * the field but no number in it (a disk that served no read: no read latency) go into `unvalued`
 * when given, so that their alerts can stay as they are rather than end as if the item were gone.
 */
export function metricValues(sample: Sample, path: string, unvalued?: Array<Record<string, string>>): MetricValue[] | null {
  const segments = path.split('.');
  if (segments.length === 1) {
    const own = (sample as unknown as Record<string, unknown>)[path];
    if (Array.isArray(own)) return listValues(own, [], unvalued);
    const value = typeof own === 'number' ? own : own === undefined ? (DERIVED[path]?.(sample) ?? null) : null;
    return value === null || !Number.isFinite(value) ? null : [{ labels: {}, value }];
  }
  let node: unknown = sample;
  for (let i = 0; i < segments.length; i++) {
    if (Array.isArray(node)) return listValues(node, segments.slice(i), unvalued);
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[segments[i] as string];
  }
  if (Array.isArray(node)) return listValues(node, [], unvalued);
  return typeof node === 'number' && Number.isFinite(node) ? [{ labels: {}, value: node }] : null;
}

function listValues(list: unknown[], rest: string[], unvalued: Array<Record<string, string>> | undefined): MetricValue[] | null {
  if (list.length === 0) return null;
  const values: MetricValue[] = [];
  let sawField = false;
  list.forEach((item, index) => {
    let node: unknown = item;
    for (const segment of rest) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    if (node === undefined) return;
    sawField = true;
    const own = item !== null && typeof item === 'object' ? itemLabels(item as Record<string, unknown>) : {};
    const labels = Object.keys(own).length > 0 ? own : { index: String(index) };
    if (typeof node === 'number' && Number.isFinite(node)) values.push({ labels, value: node });
    else unvalued?.push(labels);
  });
  // Items that lack the field entirely (a worker of an older version) mean a missing metric.
  return sawField ? values : null;
}

export function itemLabels(item: Record<string, unknown>): Record<string, string> {
  for (const key of LABEL_FIELDS) {
    const value = item[key];
    if (typeof value === 'string' || typeof value === 'number') return { [key]: String(value) };
  }
  return {};
}

/** The one label value of an item ('/data', '0'), the key of per-item overrides; '' for none. */
export function itemKey(labels: Record<string, string>): string {
  const values = Object.values(labels);
  return values.length === 0 ? '' : values.join(',');
}
