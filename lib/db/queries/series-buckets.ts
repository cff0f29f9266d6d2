// A chart's points averaged into at most maxPoints time buckets, as one pass over columns rather
// than an object per point: a week of 1-minute rollups is 10,080 points and about ten times as many
// device figures. Buckets count from the start of the range, the point at exactly `to` joining the
// last one and a rollup bucket that starts before `from` the first one, so there are never more than
// maxPoints; when the range holds no more points than that, each point is its own bucket. A bucket's
// figure is sum(v · w) / sum(w) over its non-null values (each point weighs the samples it stands
// for), null when it has none.
import { DEVICE_VALUE_COLUMNS } from '../rollups/device-figures.ts';
import type { DeviceTuple } from './host-device-series.ts';

/** Points, column by column; device figures as rows of their own, each naming its point. */
export interface SeriesPoints {
  /** Seconds. */
  t: number[];
  /** How many samples each point stands for. */
  w: number[];
  /** One column per metric. */
  m: (number | null)[][];
  devicePoint: number[];
  deviceKind: string[];
  deviceName: string[];
  /** v1, v2, … of each device row: one column per DEVICE_VALUE_COLUMNS. */
  deviceValues: (number | null)[][];
  deviceWeight: number[];
}

export function emptySeriesPoints(metricCount: number): SeriesPoints {
  return { t: [], w: [], m: Array.from({ length: metricCount }, () => []), devicePoint: [], deviceKind: [], deviceName: [], deviceValues: DEVICE_VALUE_COLUMNS.map(() => []), deviceWeight: [] };
}

export interface BucketOptions {
  fromSec: number;
  bucketSec: number;
  maxPoints: number;
}

export interface Buckets {
  ts: number[];
  /** One column per metric, aligned with ts. */
  columns: (number | null)[][];
  devices: DeviceTuple[];
}

export function bucketSeriesPoints(points: SeriesPoints, options: BucketOptions): Buckets {
  const n = points.t.length;
  const { bucketOf, bucketT } = assignBuckets(points.t, options);
  const count = bucketT.length;
  const order = Array.from({ length: count }, (_, b) => b).sort((a, b) => (bucketT[a] as number) - (bucketT[b] as number));
  const rank = new Int32Array(count);
  order.forEach((b, i) => (rank[b] = i));

  const columns = points.m.map((values) => {
    const sums = new WeightedSums(count);
    for (let p = 0; p < n; p++) sums.add(bucketOf[p] as number, values[p] ?? null, points.w[p] as number);
    const column = new Array<number | null>(count);
    for (let b = 0; b < count; b++) column[rank[b] as number] = sums.average(b);
    return column;
  });

  // Device rows: one accumulator per device and bucket, found through a table of slot × bucket.
  const rows = points.devicePoint.length;
  const slotOfRow = new Int32Array(rows);
  const slotsByKind = new Map<string, Map<string, number>>();
  let slotCount = 0;
  for (let r = 0; r < rows; r++) {
    const kind = points.deviceKind[r] as string;
    let byName = slotsByKind.get(kind);
    if (byName === undefined) slotsByKind.set(kind, (byName = new Map()));
    const name = points.deviceName[r] as string;
    let slot = byName.get(name);
    if (slot === undefined) byName.set(name, (slot = slotCount++));
    slotOfRow[r] = slot;
  }
  const accumulatorAt = new Int32Array(slotCount * count).fill(-1);
  const accumulators: { bucket: number; row: number }[] = [];
  const accumulatorOfRow = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const bucket = bucketOf[points.devicePoint[r] as number] as number;
    const at = (slotOfRow[r] as number) * count + bucket;
    let accumulator = accumulatorAt[at] as number;
    if (accumulator < 0) {
      accumulator = accumulators.length;
      accumulatorAt[at] = accumulator;
      accumulators.push({ bucket, row: r });
    }
    accumulatorOfRow[r] = accumulator;
  }
  const deviceSums = points.deviceValues.map((values) => {
    const sums = new WeightedSums(accumulators.length);
    for (let r = 0; r < rows; r++) sums.add(accumulatorOfRow[r] as number, values[r] ?? null, points.deviceWeight[r] as number);
    return sums;
  });
  const devices = accumulators.map(
    ({ bucket, row }, a): DeviceTuple => [
      rank[bucket] as number,
      points.deviceKind[row] as string,
      points.deviceName[row] as string,
      ...deviceSums.map((sums) => sums.average(a)),
    ],
  );
  return { ts: order.map((b) => bucketT[b] as number), columns, devices };
}

/** Each point's bucket, and each bucket's time (its earliest point's). */
function assignBuckets(t: readonly number[], options: BucketOptions): { bucketOf: Int32Array; bucketT: number[] } {
  const n = t.length;
  const bucketOf = new Int32Array(n);
  // The usual case, points in strictly increasing time and few enough: each its own bucket.
  if (n <= options.maxPoints && t.every((time, p) => p === 0 || time > (t[p - 1] as number))) {
    for (let p = 0; p < n; p++) bucketOf[p] = p;
    return { bucketOf, bucketT: [...t] };
  }
  const aggregate = n > options.maxPoints;
  const last = options.maxPoints - 1;
  const bucketByKey = new Map<number, number>();
  const bucketT: number[] = [];
  for (let p = 0; p < n; p++) {
    const time = t[p] as number;
    const key = aggregate ? Math.min(Math.max(Math.floor((time - options.fromSec) / options.bucketSec), 0), last) : time;
    let b = bucketByKey.get(key);
    if (b === undefined) {
      b = bucketT.length;
      bucketByKey.set(key, b);
      bucketT.push(time);
    } else if (time < (bucketT[b] as number)) {
      bucketT[b] = time;
    }
    bucketOf[p] = b;
  }
  return { bucketOf, bucketT };
}

/** sum(v · w) and sum(w) of the non-null values, per bucket. */
class WeightedSums {
  private readonly total: Float64Array;
  private readonly weight: Float64Array;
  private readonly seen: Uint8Array;

  constructor(size: number) {
    this.total = new Float64Array(size);
    this.weight = new Float64Array(size);
    this.seen = new Uint8Array(size);
  }

  add(bucket: number, value: number | null, weight: number): void {
    if (value === null) return;
    this.total[bucket] = (this.total[bucket] as number) + value * weight;
    this.weight[bucket] = (this.weight[bucket] as number) + weight;
    this.seen[bucket] = 1;
  }

  average(bucket: number): number | null {
    const weight = this.weight[bucket] as number;
    return this.seen[bucket] === 1 && weight !== 0 ? (this.total[bucket] as number) / weight : null;
  }
}
