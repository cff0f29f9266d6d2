// A duration as people read it: its largest unit and the next one ("2 h 16 min", "1 d 1 h").
// One for the dashboard (web/src/format.ts re-exports it) and the commands.

/** A duration in seconds as its largest unit and the next one: "45 s", "3 min 20 s", "2 h 5 min", "4 d 3 h". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.floor(seconds));
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ];
  const first = units.findIndex(([, size]) => s >= size);
  if (first === -1) return '0 s';
  const [name, size] = units[first]!;
  const text = `${Math.floor(s / size)} ${name}`;
  const next = units[first + 1];
  if (next === undefined) return text;
  const rest = Math.floor((s % size) / next[1]);
  return rest === 0 ? text : `${text} ${rest} ${next[0]}`;
}
