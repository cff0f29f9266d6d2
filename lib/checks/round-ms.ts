/** Milliseconds to a tenth: finer is noise from the event loop, and it keeps results short. */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}
