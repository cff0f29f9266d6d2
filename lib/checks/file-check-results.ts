// From the output of fileCheckScript to one CheckResult per file check: `@@now SECONDS`, then a
// line `MTIME PATH` for each path stat could see. Ages come from the host's clock against the
// host's file times; a file dated in the future (a clock set back) is age 0, not negative.
import type { CheckResult } from './check-result.ts';
import type { FileCheckSpec } from './check-spec.ts';
import { formatDuration } from '../format-duration.ts';

const SECTION = '@@files';

export function fileCheckResults(specs: readonly FileCheckSpec[], output: string): CheckResult[] {
  const start = output.indexOf(`${SECTION}\n`);
  const end = output.indexOf('\n@@end', start);
  if (start === -1 || end === -1) return specs.map((spec) => broken(spec, 'the script output was cut short'));
  const lines = output.slice(start + SECTION.length + 1, end).split('\n');
  const nowMatch = /^@@now (\d+)$/.exec(lines[0] ?? '');
  if (!nowMatch) return specs.map((spec) => broken(spec, `the host's clock could not be read (${JSON.stringify((lines[0] ?? '').slice(0, 80))})`));
  const now = Number(nowMatch[1]);
  const mtimes = new Map<string, number>();
  for (const line of lines.slice(1)) {
    const match = /^(\d+) (.+)$/.exec(line);
    if (match) mtimes.set(match[2] as string, Number(match[1]));
  }
  return specs.map((spec) => {
    const mtime = mtimes.get(spec.path);
    if (mtime === undefined) return { id: spec.id, kind: 'file', ok: false, reason: 'not-found', message: `${spec.path} does not exist, or the monitoring user cannot see it` };
    return judgeFileAge(spec, Math.max(0, now - mtime));
  });
}

/** A file of this age against its check's max_age. */
export function judgeFileAge(spec: FileCheckSpec, ageSec: number): CheckResult {
  const base = { id: spec.id, kind: 'file' as const, ageSec };
  const age = `modified ${formatDuration(ageSec)} ago`;
  if (spec.maxAgeSec !== null && ageSec > spec.maxAgeSec) return { ...base, ok: false, reason: 'stale', message: `${age}, more than the ${formatDuration(spec.maxAgeSec)} allowed` };
  return { ...base, ok: true, message: age };
}

/**
 * A result read `elapsedSec` ago, as it stands now: the file has aged by as much (if nobody touched
 * it since, which the next reading tells), so a mark can turn stale between two readings.
 * Results without an age (missing, an error) stand as they were.
 */
export function agedFileResult(spec: FileCheckSpec, result: CheckResult, elapsedSec: number): CheckResult {
  return result.ageSec === undefined ? result : judgeFileAge(spec, result.ageSec + Math.max(0, Math.floor(elapsedSec)));
}

function broken(spec: FileCheckSpec, message: string): CheckResult {
  return { id: spec.id, kind: 'file', ok: false, reason: 'error', message };
}
