import type { PressureAverages, ResourcePressure } from './sample.ts';
import { parseUnsignedDecimalIn } from './parse-count.ts';
import { isSpace } from './split-fields.ts';

/**
 * One /proc/pressure/<resource> file: "some avg10=0.26 avg60=0.42 avg300=0.12 total=730505" and a "full" line.
 * A line is read as /^(some|full) avg10=(\S+) avg60=(\S+) avg300=(\S+)/ would read it, scanned in
 * place: three of these files come with every poll.
 */
export function parsePressure(text: string): ResourcePressure | null {
  return parsePressureIn(text, 0, text.length);
}

/** parsePressure of text.slice(start, end), without the copy. */
export function parsePressureIn(text: string, start: number, end: number): ResourcePressure | null {
  let some: PressureAverages | null = null;
  let full: PressureAverages | null = null;
  for (let lineStart = start; lineStart <= end;) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 || newline > end ? end : newline;
    const averages = readAverages(text, lineStart, lineEnd);
    if (averages !== null) {
      if (text.startsWith('some', lineStart)) some ??= averages;
      else full ??= averages;
    }
    lineStart = lineEnd + 1;
  }
  return some === null ? null : { some, full };
}

/** The averages of a "some" or "full" line text[start, end), or null. */
function readAverages(text: string, start: number, end: number): PressureAverages | null {
  if (!startsWithin(text, start, 'some avg10=', end) && !startsWithin(text, start, 'full avg10=', end)) return null;
  // Each value is a run of non-whitespace.
  const avg10Start = start + 'some avg10='.length;
  const avg10End = nonSpaceEnd(text, avg10Start, end);
  if (avg10End === avg10Start || !startsWithin(text, avg10End, ' avg60=', end)) return null;
  const avg60Start = avg10End + ' avg60='.length;
  const avg60End = nonSpaceEnd(text, avg60Start, end);
  if (avg60End === avg60Start || !startsWithin(text, avg60End, ' avg300=', end)) return null;
  const avg300Start = avg60End + ' avg300='.length;
  const avg300End = nonSpaceEnd(text, avg300Start, end);
  if (avg300End === avg300Start) return null;
  const avg10 = parseUnsignedDecimalIn(text, avg10Start, avg10End);
  const avg60 = parseUnsignedDecimalIn(text, avg60Start, avg60End);
  const avg300 = parseUnsignedDecimalIn(text, avg300Start, avg300End);
  if (avg10 === null || avg60 === null || avg300 === null) return null;
  return { avg10: Math.min(avg10, 100), avg60: Math.min(avg60, 100), avg300: Math.min(avg300, 100) };
}

/** text.startsWith(word, at), the word ending by `end`. */
function startsWithin(text: string, at: number, word: string, end: number): boolean {
  return at + word.length <= end && text.startsWith(word, at);
}

function nonSpaceEnd(text: string, start: number, end: number): number {
  let i = start;
  while (i < end && !isSpace(text.charCodeAt(i))) i++;
  return i;
}
