// Which of the two poll scripts a client sent, read off its tag line (`# vigil-poll-script N
// light`), as the forced-command wrapper does on a real host. The simulator answers with that
// script's sections only, so that a benchmark against it pays for the light/full mix the worker
// really asks for.
import type { PollScriptKind } from '../collect/poll-script.ts';

/** How much of stdin the tag must appear within: the worker's wrapper puts it on the third line. */
export const SCRIPT_TAG_WINDOW = 512;

const TAG = /^# vigil-poll-script \d+ (full|light)$/m;

/** The kind the script's tag names; a script without a tag is answered as the full one. */
export function requestedScriptKind(scriptHead: string): PollScriptKind {
  const kind = TAG.exec(scriptHead.slice(0, SCRIPT_TAG_WINDOW))?.[1];
  return kind === 'light' ? 'light' : 'full';
}
