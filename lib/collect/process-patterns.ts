// `vigil_processes` patterns: extended regular expressions matched against each process's full
// command line, as `pgrep -f` does, so "nginx: master" or "java .*kafka" mean what operators expect.
// They run in the worker against text any local user controls, so a pattern prone to catastrophic
// backtracking is refused when the inventory is read, and the text matched is capped.

export const MAX_PATTERN_LENGTH = 200;
export const MAX_PATTERNS = 50;

// A repeated group that itself contains a quantifier or an alternation ("(a+)+", "(\w*)*",
// "(a|aa){2,}") can take exponential time on a near-miss; so can a back-reference. Process
// patterns never need either.
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}|](?:[^()\\]|\\.)*\)\s*[+*{]/;
const BACK_REFERENCE = /\\[1-9]/;

/** Why the pattern cannot be used, or null when it can. */
export function processPatternProblem(pattern: string): string | null {
  if (pattern === '') return 'is empty';
  if (pattern.length > MAX_PATTERN_LENGTH) return `is longer than ${MAX_PATTERN_LENGTH} characters`;
  if (NESTED_QUANTIFIER.test(pattern)) return 'repeats a group that itself repeats (catastrophic backtracking); simplify it';
  if (BACK_REFERENCE.test(pattern)) return 'uses a back-reference, which is not supported';
  try {
    new RegExp(pattern, 'u');
  } catch (err) {
    return `is not a valid regular expression: ${(err as Error).message}`;
  }
  return null;
}

const compiled = new Map<string, RegExp | null>();

/** The compiled pattern, cached across polls; null for a pattern that cannot be used. */
export function compileProcessPattern(pattern: string): RegExp | null {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    regex = processPatternProblem(pattern) === null ? new RegExp(pattern, 'u') : null;
    // Patterns come from the inventory; a bound keeps an inventory churned for months from growing it.
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex;
}

/**
 * The `vigil_processes` inventory value as a list of patterns: a YAML list, a JSON or Python-style
 * list written in an INI file ("['nginx', 'postgres: checkpointer']"), or one pattern as a plain
 * string. Throws, through `invalid`, naming the first unusable pattern.
 */
export function readProcessPatterns(value: unknown, invalid: (message: string) => never): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  let list: unknown = value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('[')) {
      try {
        list = JSON.parse(text.replace(/'((?:[^'\\]|\\.)*)'/g, (_, inner: string) => JSON.stringify(inner.replace(/\\'/g, "'"))));
      } catch {
        return invalid('must be a list of patterns, e.g. ["nginx", "postgres"]');
      }
    } else {
      list = [text];
    }
  }
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) return invalid('must be a list of patterns (strings)');
  if (list.length > MAX_PATTERNS) return invalid(`has more than ${MAX_PATTERNS} patterns`);
  for (const pattern of list as string[]) {
    const problem = processPatternProblem(pattern);
    if (problem !== null) invalid(`pattern ${JSON.stringify(pattern.slice(0, 60))} ${problem}`);
  }
  return list as string[];
}
