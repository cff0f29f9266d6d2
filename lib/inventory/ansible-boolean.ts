// A boolean inventory variable as Ansible's `bool` filter reads it: a YAML boolean, 0 or 1, or one
// of its words in any case. Anything else is no boolean, for the caller to report with its name.

const TRUE_WORDS: ReadonlySet<string> = new Set(['true', 'yes', 'on', 'y', '1']);
const FALSE_WORDS: ReadonlySet<string> = new Set(['false', 'no', 'off', 'n', '0']);

/** null: `value` is not a boolean Ansible would accept. */
export function parseAnsibleBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  if (typeof value !== 'string') return null;
  const word = value.trim().toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : null;
}
