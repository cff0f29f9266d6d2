// Which of the two poll scripts a client sent, read off its tag line (`# vigil-poll-script N
// light`), as the forced-command wrapper does on a real host: in the exec command (the worker's
// command path) or else at the head of stdin (`exec /bin/sh` and the script on stdin). The simulator answers with that
// script's sections only, so that a benchmark against it pays for the light/full mix the worker
// really asks for.
import type { PollScriptKind } from '../collect/poll-script.ts';

/** How much of stdin or of the command the tag must appear within: the worker's wrapping puts it on the third to sixth line. */
export const SCRIPT_TAG_WINDOW = 512;

const TAG = /^# vigil-poll-script \d+ (full|light)$/m;

/** The kind the script's tag names; a script without a tag is answered as the full one. */
export function requestedScriptKind(scriptHead: string): PollScriptKind {
  return taggedScriptKind(scriptHead) ?? 'full';
}

/** The kind the text's tag line names, or null without one (`exec /bin/sh`: the script is on stdin). */
export function taggedScriptKind(text: string): PollScriptKind | null {
  const kind = TAG.exec(text.slice(0, SCRIPT_TAG_WINDOW))?.[1];
  return kind === 'light' || kind === 'full' ? kind : null;
}
