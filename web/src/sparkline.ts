// A sparkline as a tiny inline SVG: one stroke per unbroken run of values (a null is a gap,
// not a drop to zero). Thousands fit on a page where thousands of charts would not.

export interface SparklineBox {
  width: number;
  height: number;
  /** The value at the top edge; the bottom is 0. */
  max: number;
}

/** The polylines' `points` attributes, one per run; a lone value becomes a short flat stroke. */
export function sparklinePaths(values: readonly (number | null)[], box: SparklineBox): string[] {
  const n = values.length;
  if (n === 0) return [];
  const dx = n === 1 ? 0 : box.width / (n - 1);
  const y = (v: number): number => {
    const clamped = Math.min(box.max, Math.max(0, v));
    // Half a pixel in from each edge, so a 0 % or 100 % line is not cut in half by the viewBox.
    return round(box.height - 0.5 - (clamped / box.max) * (box.height - 1));
  };
  const paths: string[] = [];
  let run: string[] = [];
  const flush = (): void => {
    if (run.length === 1) {
      const [x, yy] = (run[0] ?? '0,0').split(',').map(Number) as [number, number];
      run = [`${round(Math.max(0, x - 1))},${yy}`, `${round(Math.min(box.width, x + 1))},${yy}`];
    }
    if (run.length > 0) paths.push(run.join(' '));
    run = [];
  };
  values.forEach((value, i) => {
    if (value === null || !Number.isFinite(value)) flush();
    else run.push(`${round(i * dx)},${y(value)}`);
  });
  flush();
  return paths;
}

const round = (v: number): number => Math.round(v * 10) / 10;

/** The mean of the values that are there, or null: what a sparkline column sorts by. */
export function sparklineMean(values: readonly (number | null)[] | undefined): number | null {
  if (!values) return null;
  let sum = 0;
  let count = 0;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    sum += v;
    count++;
  }
  return count === 0 ? null : sum / count;
}

/** The same runs as one SVG path's `d` (a path draws what several polylines would, in one element). */
export function sparklinePath(values: readonly (number | null)[], box: SparklineBox): string {
  return sparklinePaths(values, box)
    .map((points) => `M${points}`)
    .join(' ');
}
