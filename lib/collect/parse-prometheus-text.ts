// The Prometheus text exposition format (version 0.0.4), as node_exporter serves it. Pure: the
// scrape itself is the worker's. Whatever the text, this returns: a line it cannot read is
// counted and skipped, as the rest of the scrape is still worth having. NaN and ±Inf are kept as
// the format's own values; what reads a metric decides whether it can use one.

export interface PrometheusSample {
  name: string;
  /** A Map, not an object: a label named `__proto__` is just a label. */
  labels: ReadonlyMap<string, string>;
  /** May be NaN or ±Infinity. */
  value: number;
  /** Milliseconds since the epoch, when the line gave one. */
  timestampMs: number | null;
}

export interface PrometheusProblem {
  /** 1-based. */
  line: number;
  reason: string;
}

export interface PrometheusText {
  /** Samples by metric name, in the order written. A repeated series (same name and labels) keeps its first line. */
  samples: Map<string, PrometheusSample[]>;
  /** `# TYPE` of each metric family: counter, gauge, histogram, summary, untyped. */
  types: Map<string, string>;
  /** `# HELP` of each metric family, unescaped. */
  help: Map<string, string>;
  /** Lines that could not be read (or repeated a series); the first MAX_PROBLEMS are described in `problems`. */
  invalidLines: number;
  problems: PrometheusProblem[];
}

export const MAX_PROBLEMS = 10;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Go's strconv.ParseFloat in decimal, as Prometheus reads values; hex floats are not produced by any exporter we read. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^-?\d+$/;

export function parsePrometheusText(text: string): PrometheusText {
  const result: PrometheusText = { samples: new Map(), types: new Map(), help: new Map(), invalidLines: 0, problems: [] };
  const seenSeries = new Set<string>();
  let lineNumber = 0;
  let start = 0;
  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    lineNumber++;
    const line = text.charCodeAt(end - 1) === 13 /* \r */ ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    const problem = readLine(line, result, seenSeries);
    if (problem !== null) {
      result.invalidLines++;
      if (result.problems.length < MAX_PROBLEMS) result.problems.push({ line: lineNumber, reason: problem });
    }
    if (newline < 0) break;
  }
  return result;
}

/** Reads one line into `result`; returns what is wrong with it, or null. */
function readLine(line: string, result: PrometheusText, seenSeries: Set<string>): string | null {
  const at = skipBlanks(line, 0);
  if (at === line.length) return null;
  if (line.charCodeAt(at) === 35 /* # */) return readComment(line.slice(at + 1), result);
  const sample = readSample(line, at);
  if (typeof sample === 'string') return sample;
  const key = seriesKey(sample);
  if (seenSeries.has(key)) return `repeats the series ${sample.name}`;
  seenSeries.add(key);
  const list = result.samples.get(sample.name);
  if (list === undefined) result.samples.set(sample.name, [sample]);
  else list.push(sample);
  return null;
}

/** `# HELP name text` and `# TYPE name type`; any other comment is just a comment. */
function readComment(rest: string, result: PrometheusText): string | null {
  const match = /^[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(rest);
  if (match === null) return null;
  const [, keyword, name = '', value = ''] = match;
  if (!METRIC_NAME.test(name)) return `${keyword} for an invalid metric name`;
  if (keyword === 'TYPE') {
    const type = value.trim();
    if (!/^[a-z]+$/.test(type)) return `TYPE ${name} has no valid type`;
    if (!result.types.has(name)) result.types.set(name, type);
  } else if (!result.help.has(name)) {
    result.help.set(name, value.includes('\\') ? value.replace(/\\(\\|n)/g, (_, escaped: string) => (escaped === 'n' ? '\n' : '\\')) : value);
  }
  return null;
}

/** `name{label="value",…} value [timestamp]`, or `{"name",label="value"} …` (quoted UTF-8 names). */
function readSample(line: string, from: number): PrometheusSample | string {
  let at = from;
  let name = '';
  if (line.charCodeAt(at) !== 123 /* { */) {
    const nameEnd = scanUntil(line, at, (code) => code === 123 || code === 32 || code === 9);
    name = line.slice(at, nameEnd);
    if (!METRIC_NAME.test(name)) return 'no valid metric name';
    at = nameEnd;
    // Blanks may stand between the name and its labels.
    if (line.charCodeAt(skipBlanks(line, at)) === 123 /* { */) at = skipBlanks(line, at);
  }
  const labels = new Map<string, string>();
  if (line.charCodeAt(at) === 123 /* { */) {
    const read = readLabels(line, at + 1, labels);
    if (typeof read === 'string') return read;
    if (read.quotedName !== null) {
      if (name !== '') return 'two metric names';
      name = read.quotedName;
    }
    at = read.end;
  }
  if (name === '') return 'no metric name';
  const valueStart = skipBlanks(line, at);
  if (valueStart === at) return `${name}: no blank before the value`;
  const valueEnd = scanUntil(line, valueStart, isBlank);
  const value = parseValue(line.slice(valueStart, valueEnd));
  if (value === null) return `${name}: the value is not a number`;
  const timestampStart = skipBlanks(line, valueEnd);
  let timestampMs: number | null = null;
  if (timestampStart < line.length) {
    const timestampEnd = scanUntil(line, timestampStart, isBlank);
    const timestampText = line.slice(timestampStart, timestampEnd);
    const timestamp = INTEGER.test(timestampText) ? Number(timestampText) : NaN;
    if (!Number.isSafeInteger(timestamp)) return `${name}: the timestamp is not an integer`;
    if (skipBlanks(line, timestampEnd) < line.length) return `${name}: text after the timestamp`;
    timestampMs = timestamp;
  }
  return { name, labels, value, timestampMs };
}

interface LabelsRead {
  /** Just after the closing brace. */
  end: number;
  /** A quoted metric name given inside the braces. */
  quotedName: string | null;
}

function readLabels(line: string, from: number, labels: Map<string, string>): LabelsRead | string {
  let at = skipBlanks(line, from);
  let quotedName: string | null = null;
  while (line.charCodeAt(at) !== 125 /* } */) {
    if (at >= line.length) return 'labels not closed';
    let labelName: string;
    if (line.charCodeAt(at) === 34 /* " */) {
      const quoted = readQuoted(line, at);
      if (typeof quoted === 'string') return quoted;
      labelName = quoted.text;
      at = skipBlanks(line, quoted.end);
      if (line.charCodeAt(at) !== 61 /* = */) {
        // A quoted string alone is the metric's name.
        if (quotedName !== null || labels.size > 0) return 'a quoted metric name must come first';
        if (labelName === '') return 'an empty metric name';
        quotedName = labelName;
        at = afterLabel(line, at);
        if (at < 0) return 'labels not separated by commas';
        continue;
      }
    } else {
      const nameEnd = scanUntil(line, at, (code) => code === 61 || code === 32 || code === 9 || code === 44 || code === 125);
      labelName = line.slice(at, nameEnd);
      if (!LABEL_NAME.test(labelName)) return 'an invalid label name';
      at = skipBlanks(line, nameEnd);
    }
    if (line.charCodeAt(at) !== 61 /* = */) return `label ${labelName} has no =`;
    at = skipBlanks(line, at + 1);
    if (line.charCodeAt(at) !== 34 /* " */) return `label ${labelName} has no quoted value`;
    const value = readQuoted(line, at);
    if (typeof value === 'string') return value;
    if (labels.has(labelName)) return `label ${labelName} given twice`;
    labels.set(labelName, value.text);
    at = afterLabel(line, skipBlanks(line, value.end));
    if (at < 0) return 'labels not separated by commas';
  }
  return { end: at + 1, quotedName };
}

/** After a label: a comma (then blanks) or the closing brace; -1 for anything else. */
function afterLabel(line: string, at: number): number {
  const code = line.charCodeAt(at);
  if (code === 44 /* , */) return skipBlanks(line, at + 1);
  return code === 125 /* } */ ? at : -1;
}

/** A double-quoted string at `from` with the escapes \\, \" and \n. */
function readQuoted(line: string, from: number): { text: string; end: number } | string {
  let text = '';
  let chunkStart = from + 1;
  for (let at = from + 1; at < line.length; at++) {
    const code = line.charCodeAt(at);
    if (code === 34 /* " */) return { text: text + line.slice(chunkStart, at), end: at + 1 };
    if (code !== 92 /* \ */) continue;
    const escaped = line[at + 1];
    if (escaped !== '\\' && escaped !== '"' && escaped !== 'n') return 'an invalid escape in a quoted string';
    text += line.slice(chunkStart, at) + (escaped === 'n' ? '\n' : escaped);
    at++;
    chunkStart = at + 1;
  }
  return 'a quoted string not closed';
}

/** A float as Prometheus writes one (NaN, +Inf, -Inf included), or null. */
export function parseValue(text: string): number | null {
  if (DECIMAL.test(text)) return Number(text);
  switch (text.toLowerCase()) {
    case 'nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    default:
      return null;
  }
}

/**
 * The series' identity: its name and labels in name order, each part prefixed with its length so
 * that no label text can make two series look alike. Exporters write labels sorted already, so the
 * sort is skipped when they are.
 */
function seriesKey(sample: PrometheusSample): string {
  let key = `${sample.name.length}:${sample.name}`;
  let sorted = true;
  let previous = '';
  for (const name of sample.labels.keys()) {
    if (name < previous) sorted = false;
    previous = name;
  }
  const names = sorted ? sample.labels.keys() : [...sample.labels.keys()].sort();
  for (const name of names) {
    const value = sample.labels.get(name) ?? '';
    key += `${name.length}:${name}${value.length}:${value}`;
  }
  return key;
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

function skipBlanks(line: string, from: number): number {
  let at = from;
  while (at < line.length && isBlank(line.charCodeAt(at))) at++;
  return at;
}

function scanUntil(line: string, from: number, stop: (code: number) => boolean): number {
  let at = from;
  while (at < line.length && !stop(line.charCodeAt(at))) at++;
  return at;
}
