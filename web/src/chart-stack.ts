// Stacked series for uPlot, which draws lines, not stacks: each series becomes the running sum
// of itself and those below it, and a band fills between neighbours. A null value stays null (a
// gap) but adds nothing to the sums above it.

type Column = (number | null)[];

export interface Stacked {
  /** The running sums, same shape as the input. */
  columns: Column[];
  /** uPlot bands, in uPlot's series numbering (0 is x): each fills between series i + 1 and i. */
  bands: { series: [number, number] }[];
}

export function stackColumns(columns: readonly Column[]): Stacked {
  const length = columns[0]?.length ?? 0;
  const sums = new Array<number>(length).fill(0);
  const stacked = columns.map((column) =>
    column.map((value, i) => {
      if (value === null || !Number.isFinite(value)) return null;
      sums[i] = (sums[i] ?? 0) + value;
      return sums[i] ?? null;
    }),
  );
  const bands = columns.slice(1).map((_c, i): { series: [number, number] } => ({ series: [i + 2, i + 1] }));
  return { columns: stacked, bands };
}
