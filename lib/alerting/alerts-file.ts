// Reads alerts.yml into AlertsConfig. Every problem in the file is collected and reported at
// once, each as file:line, so that an operator fixes them in one go; a key Vigil does not know is
// a problem too, since a misspelt `recover_at` would otherwise be silently ignored.
//
// The file is complete where it speaks: `rules:` present means exactly those rules run (the
// shipped file lists the defaults to start from); a key left out takes the built-in default.
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import type { Severity } from './alert-event.ts';
import { WEBHOOK_FORMATS, type AlertMatcher, type AlertRoute, type AlertRule, type AlertsConfig, type EscalationStep, type InhibitRule, type Receiver, type RuleKind, type RuleOverride, type WebhookReceiver } from './alerts-config.ts';
import { defaultAlerts } from './default-alerts.ts';
import { ntfyTopic } from './notify/ntfy-body.ts';
import { OPSGENIE_ALERTS_URL } from './notify/opsgenie-alerts.ts';
import { PAGERDUTY_EVENTS_URL } from './notify/pagerduty-events.ts';
import { PUSHOVER_MESSAGES_URL } from './notify/pushover-body.ts';
import { WEBEX_MESSAGES_URL } from './notify/webex-body.ts';

export class AlertsFileError extends Error {
  readonly file: string;
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'AlertsFileError';
    this.file = file;
    this.problems = problems;
  }
}

export const RULE_KINDS: readonly RuleKind[] = [
  'threshold', 'absent', 'anomaly', 'predict-full', 'host-down', 'host-key-changed', 'process-missing', 'reboot', 'check-failing', 'unit-failed', 'interface-down',
];
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** '2m', '4h', '30s', '1h30m', '500ms' → milliseconds; null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(trimmed)) return null;
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) total += Number(match[1]) * (UNITS_MS[match[2] as string] as number);
  return Math.round(total);
}

/** The inverse of parseDuration, for summaries: 120000 → '2m', 5400000 → '1h30m'. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  let text = '';
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    if (rest >= size) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return text;
}

/** null, or a file that does not exist: the built-in defaults. */
export async function loadAlertsFile(path: string | null): Promise<AlertsConfig> {
  if (path === null) return defaultAlerts();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaultAlerts();
    throw error;
  }
  return parseAlertsFile(text, path);
}

/** Parses the text of an alerts file; `file` names it in messages. */
export function parseAlertsFile(text: string, file: string): AlertsConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const problems: string[] = [];
  const lineOf = (offset: number): number => lineCounter.linePos(offset).line;
  for (const error of doc.errors) problems.push(`${file}:${lineOf(error.pos[0])}: ${error.message.split('\n')[0]}`);
  if (problems.length > 0) throw new AlertsFileError(file, problems);

  const reader = new NodeReader(file, lineOf, problems);
  const config = defaultAlerts();
  config.source = file;
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return config;
  const top = reader.map(root, 'the file', ['rules', 'receivers', 'routes', 'default_receivers', 'default_escalate', 'group_wait', 'group_interval', 'repeat_interval', 'flap_window', 'flap_max_changes', 'inhibit_rules']);
  if (top) {
    const refs: References = { receivers: [], rules: [] };
    const rules = top.get('rules');
    if (rules) config.rules = reader.list(rules, 'rules', (node, index) => readRule(reader, node, index, refs));
    const receivers = top.get('receivers');
    if (receivers) config.receivers = reader.list(receivers, 'receivers', (node, index) => readReceiver(reader, node, index));
    const routes = top.get('routes');
    if (routes) config.routes = reader.list(routes, 'routes', (node, index) => readRoute(reader, node, index, refs));
    const defaults = top.get('default_receivers');
    if (defaults) config.defaultReceivers = reader.nameList(defaults, 'default_receivers', refs.receivers);
    const defaultEscalate = top.get('default_escalate');
    if (defaultEscalate) config.defaultEscalate = readEscalation(reader, defaultEscalate, 'default_escalate', refs);
    const groupWait = top.get('group_wait');
    if (groupWait) config.groupWaitMs = reader.duration(groupWait, 'group_wait') ?? config.groupWaitMs;
    const groupInterval = top.get('group_interval');
    if (groupInterval) config.groupIntervalMs = reader.duration(groupInterval, 'group_interval') ?? config.groupIntervalMs;
    const repeat = top.get('repeat_interval');
    if (repeat) config.repeatIntervalMs = reader.duration(repeat, 'repeat_interval') ?? config.repeatIntervalMs;
    const flapWindow = top.get('flap_window');
    if (flapWindow) config.flapWindowMs = reader.duration(flapWindow, 'flap_window') ?? config.flapWindowMs;
    const flapMax = top.get('flap_max_changes');
    if (flapMax) config.flapMaxChanges = reader.number(flapMax, 'flap_max_changes', { integer: true, min: 1 }) ?? config.flapMaxChanges;
    const inhibit = top.get('inhibit_rules');
    if (inhibit) config.inhibitRules = reader.list(inhibit, 'inhibit_rules', (node, index) => readInhibitRule(reader, node, index, refs));
    // Without the key a file's own host-down rules hold back their hosts' other alerts, as the
    // built-in host_down does, whatever they are named; `inhibit_rules: []` turns that off.
    else config.inhibitRules = defaultInhibitRules(config.rules);
    checkReferences(reader, top, config, refs);
  }
  if (problems.length > 0) throw new AlertsFileError(file, problems);
  return config;
}

const RULE_KEYS = [
  'name', 'kind', 'metric', 'direction', 'levels', 'recover_at', 'for', 'k', 'window', 'hours', 'polls', 'severity', 'receivers', 'escalate', 'summary', 'unit', 'items',
];
const OVERRIDE_KEYS = ['enabled', 'levels', 'recover_at', 'for'];

/** Names the file uses that must name something the file defines, with where each is written. */
interface References {
  receivers: NameAt[];
  rules: NameAt[];
}

interface NameAt {
  name: string;
  node: Node;
  /** Who uses the name, for the message: "rule 'cpu'", "routes[0]", "default_receivers". */
  by: string;
}

function readRule(reader: NodeReader, node: Node, index: number, refs: References): AlertRule | null {
  const where = `rules[${index}]`;
  const fields = reader.map(node, where, RULE_KEYS);
  if (!fields) return null;
  const name = reader.requiredString(fields, 'name', where, node);
  const label = name === null ? where : `rule '${name}'`;
  if (name !== null && !/^[A-Za-z0-9_.-]+$/.test(name)) reader.problem(fields.get('name') as Node, `${label}: name may hold only letters, digits, '_', '.' and '-'`);
  const kindText = reader.requiredString(fields, 'kind', label, node);
  let kind: RuleKind | null = null;
  if (kindText !== null) {
    if ((RULE_KINDS as readonly string[]).includes(kindText)) kind = kindText as RuleKind;
    else reader.problem(fields.get('kind') as Node, `${label}: kind '${kindText}' is not one of ${RULE_KINDS.join(', ')}`);
  }
  if (name === null || kind === null) return null;

  const rule: AlertRule = { name, kind };
  const at = (key: string): Node | undefined => fields.get(key);
  const metric = at('metric');
  if (metric) rule.metric = reader.string(metric, `${label}: metric`) ?? undefined;
  const direction = at('direction');
  if (direction) {
    const value = reader.string(direction, `${label}: direction`);
    if (value === 'above' || value === 'below') rule.direction = value;
    else if (value !== null) reader.problem(direction, `${label}: direction must be above or below, not '${value}'`);
  }
  const levels = at('levels');
  if (levels) rule.levels = readLevels(reader, levels, label, false) as Partial<Record<Severity, number>>;
  const recoverAt = at('recover_at');
  if (recoverAt) rule.recoverAt = reader.number(recoverAt, `${label}: recover_at`) ?? undefined;
  const forNode = at('for');
  if (forNode) rule.forMs = reader.duration(forNode, `${label}: for`) ?? undefined;
  const k = at('k');
  if (k) rule.k = reader.number(k, `${label}: k`, { min: 0, exclusiveMin: true }) ?? undefined;
  const window = at('window');
  if (window) rule.windowMs = reader.duration(window, `${label}: window`) ?? undefined;
  const hours = at('hours');
  if (hours) rule.hours = reader.number(hours, `${label}: hours`, { min: 0, exclusiveMin: true }) ?? undefined;
  const polls = at('polls');
  if (polls) rule.polls = reader.number(polls, `${label}: polls`, { integer: true, min: 1 }) ?? undefined;
  const severity = at('severity');
  if (severity) {
    const value = reader.string(severity, `${label}: severity`);
    if (value !== null && (SEVERITIES as readonly string[]).includes(value)) rule.severity = value as Severity;
    else if (value !== null) reader.problem(severity, `${label}: severity must be one of ${SEVERITIES.join(', ')}, not '${value}'`);
  }
  const receivers = at('receivers');
  if (receivers) rule.receivers = reader.nameList(receivers, `rule '${name}'`, refs.receivers, 'receivers');
  const escalate = at('escalate');
  if (escalate) {
    rule.escalate = readEscalation(reader, escalate, `${label}: escalate`, refs);
    // Routes (and their escalation) decide for a rule without receivers of its own.
    if (!receivers) reader.problem(escalate, `${label}: escalate needs the rule's own receivers (else its routes' escalate applies)`);
  }
  const summary = at('summary');
  if (summary) rule.summary = reader.string(summary, `${label}: summary`) ?? undefined;
  const unit = at('unit');
  if (unit) rule.unit = reader.string(unit, `${label}: unit`) ?? undefined;
  const items = at('items');
  if (items) {
    const map = reader.map(items, `${label}: items`, null);
    if (map) {
      rule.items = {};
      for (const [key, value] of map) {
        const override = readOverride(reader, value, `${label}: items['${key}']`);
        if (override) rule.items[key] = override;
      }
    }
  }

  const needs = (key: string, present: boolean, what: string): void => {
    if (!present) reader.problem(node, `${label}: a ${kind} rule needs ${what} (${key})`);
  };
  if (kind === 'threshold' || kind === 'anomaly') needs('metric', rule.metric !== undefined, 'the metric it watches');
  if (kind === 'threshold') needs('levels', rule.levels !== undefined && Object.keys(rule.levels).length > 0, 'at least one level');
  if (kind === 'predict-full') needs('hours', rule.hours !== undefined, 'the horizon in hours');
  if (kind === 'absent') needs('for', rule.forMs !== undefined, 'how long without data');
  return rule;
}

function readLevels(reader: NodeReader, node: Node, label: string, nullable: boolean): Partial<Record<Severity, number | null>> {
  const map = reader.map(node, `${label}: levels`, SEVERITIES);
  const levels: Partial<Record<Severity, number | null>> = {};
  if (!map) return levels;
  for (const [key, value] of map) {
    if (nullable && isScalar(value) && value.value === null) levels[key as Severity] = null;
    else {
      const level = reader.number(value, `${label}: levels.${key}`);
      if (level !== null) levels[key as Severity] = level;
    }
  }
  return levels;
}

function readOverride(reader: NodeReader, node: Node, label: string): RuleOverride | null {
  if (isScalar(node) && node.value === false) return { enabled: false };
  const map = reader.map(node, label, OVERRIDE_KEYS);
  if (!map) return null;
  const override: RuleOverride = {};
  const enabled = map.get('enabled');
  if (enabled) {
    if (isScalar(enabled) && typeof enabled.value === 'boolean') override.enabled = enabled.value;
    else reader.problem(enabled, `${label}: enabled must be true or false`);
  }
  const levels = map.get('levels');
  if (levels) override.levels = readLevels(reader, levels, label, true);
  const recoverAt = map.get('recover_at');
  if (recoverAt) override.recoverAt = reader.number(recoverAt, `${label}: recover_at`) ?? undefined;
  const forNode = map.get('for');
  if (forNode) override.forMs = reader.duration(forNode, `${label}: for`) ?? undefined;
  return override;
}

const ROUTE_KEYS = ['groups', 'rules', 'severity', 'receivers', 'continue', 'escalate'];
const ESCALATION_KEYS = ['after', 'receivers'];

/** `escalate:` steps, each later than the one before, each naming receivers. */
function readEscalation(reader: NodeReader, node: Node, where: string, refs: References): EscalationStep[] {
  let previousMs = 0;
  return reader.list(node, where, (item, index): EscalationStep | null => {
    const at = `${where}[${index}]`;
    const fields = reader.map(item, at, ESCALATION_KEYS);
    if (!fields) return null;
    const after = fields.get('after');
    const afterMs = after ? reader.duration(after, `${at}: after`) : null;
    if (!after) reader.problem(item, `${at}: after is required, a duration like 30m since the alert started firing`);
    else if (afterMs === 0) reader.problem(after, `${at}: after must be more than 0 (who must hear at once belongs in receivers)`);
    else if (afterMs !== null && afterMs <= previousMs) reader.problem(after, `${at}: after must be later than the step before it`);
    if (afterMs !== null) previousMs = Math.max(previousMs, afterMs);
    const receivers = fields.get('receivers');
    const names = receivers ? reader.nameList(receivers, at, refs.receivers, 'receivers') : [];
    if (names.length === 0) reader.problem(receivers ?? item, `${at}: receivers must list at least one receiver`);
    return afterMs === null || afterMs === 0 || names.length === 0 ? null : { afterMs, receivers: names };
  });
}

function readRoute(reader: NodeReader, node: Node, index: number, refs: References): AlertRoute | null {
  const where = `routes[${index}]`;
  const fields = reader.map(node, where, ROUTE_KEYS);
  if (!fields) return null;
  const route: AlertRoute = { receivers: [], continue: false };
  const groups = fields.get('groups');
  if (groups) route.groups = reader.scalarOrStrings(groups, `${where}: groups`);
  const rules = fields.get('rules');
  if (rules) route.rules = reader.nameList(rules, where, refs.rules, 'rules');
  const severity = fields.get('severity');
  if (severity) route.severities = readSeverities(reader, severity, where);
  const receivers = fields.get('receivers');
  if (receivers) route.receivers = reader.nameList(receivers, where, refs.receivers, 'receivers');
  if (!receivers || route.receivers.length === 0) reader.problem(receivers ?? node, `${where}: receivers must list at least one receiver`);
  const cont = fields.get('continue');
  if (cont) {
    if (isScalar(cont) && typeof cont.value === 'boolean') route.continue = cont.value;
    else reader.problem(cont, `${where}: continue must be true or false`);
  }
  const escalate = fields.get('escalate');
  if (escalate) route.escalate = readEscalation(reader, escalate, `${where}: escalate`, refs);
  // A route without matchers would catch every alert: that is what default_receivers says.
  if (!groups && !rules && !severity) reader.problem(node, `${where}: a route needs groups, rules or severity to match (default_receivers covers every other alert)`);
  // An empty matcher would match nothing: the route could never apply.
  for (const [key, matcher] of [['groups', groups], ['rules', rules], ['severity', severity]] as const) {
    if (matcher && isSeq(matcher) && matcher.items.length === 0) reader.problem(matcher, `${where}: ${key} is empty, so the route never matches`);
  }
  return route;
}

/** The inhibition a file gets when it does not set inhibit_rules. */
export function defaultInhibitRules(rules: readonly AlertRule[]): InhibitRule[] {
  const hostDown = rules.filter((rule) => rule.kind === 'host-down').map((rule) => rule.name);
  return hostDown.length === 0 ? [] : [{ source: { rules: hostDown }, equal: [] }];
}

function readInhibitRule(reader: NodeReader, node: Node, index: number, refs: References): InhibitRule | null {
  const where = `inhibit_rules[${index}]`;
  const fields = reader.map(node, where, ['source', 'target', 'equal']);
  if (!fields) return null;
  const sourceNode = fields.get('source');
  if (!sourceNode) reader.problem(node, `${where}: source is required (the alerts that hold others back)`);
  const source = sourceNode ? readMatcher(reader, sourceNode, `${where}: source`, refs) : null;
  const targetNode = fields.get('target');
  const target = targetNode ? readMatcher(reader, targetNode, `${where}: target`, refs) : null;
  const equalNode = fields.get('equal');
  const equal = equalNode ? reader.scalarOrStrings(equalNode, `${where}: equal`) : [];
  if (source === null || (targetNode && target === null)) return null;
  return target ? { source, target, equal } : { source, equal };
}

/** `{ rules: [...], severity: [...] }`: at least one, neither empty, as a route's matchers. */
function readMatcher(reader: NodeReader, node: Node, where: string, refs: References): AlertMatcher | null {
  const fields = reader.map(node, where, ['rules', 'severity']);
  if (!fields) return null;
  const matcher: AlertMatcher = {};
  const rules = fields.get('rules');
  if (rules) matcher.rules = reader.nameList(rules, where, refs.rules, 'rules');
  const severity = fields.get('severity');
  if (severity) matcher.severities = readSeverities(reader, severity, where);
  if (!rules && !severity) {
    reader.problem(node, `${where}: needs rules or severity to match`);
    return null;
  }
  for (const [key, list] of [['rules', rules], ['severity', severity]] as const) {
    if (list && isSeq(list) && list.items.length === 0) reader.problem(list, `${where}: ${key} is empty, so it never matches`);
  }
  return matcher;
}

function readSeverities(reader: NodeReader, node: Node, where: string): Severity[] {
  const severities: Severity[] = [];
  for (const value of reader.scalarOrStrings(node, `${where}: severity`)) {
    if ((SEVERITIES as readonly string[]).includes(value)) severities.push(value as Severity);
    else reader.problem(node, `${where}: severity must be one of ${SEVERITIES.join(', ')}, not '${value}'`);
  }
  return severities;
}

type WebhookFormat = WebhookReceiver['format'];

/** Keys only some formats take, each required by those: [key in the file, field, formats]. */
const FORMAT_KEYS: ReadonlyArray<readonly [string, 'routingKey' | 'apiKey' | 'chatId' | 'token' | 'userKey' | 'roomId', readonly WebhookFormat[]]> = [
  ['routing_key', 'routingKey', ['pagerduty']],
  ['api_key', 'apiKey', ['opsgenie']],
  ['chat_id', 'chatId', ['telegram']],
  ['token', 'token', ['pushover', 'webex']],
  ['user_key', 'userKey', ['pushover']],
  ['room_id', 'roomId', ['webex']],
];

/** The url of formats whose service has one endpoint for everyone. */
const DEFAULT_URLS: Partial<Record<WebhookFormat, string>> = {
  pagerduty: PAGERDUTY_EVENTS_URL,
  pushover: PUSHOVER_MESSAGES_URL,
  opsgenie: OPSGENIE_ALERTS_URL,
  webex: WEBEX_MESSAGES_URL,
};

/** Formats whose Authorization header Vigil makes from a key of theirs. */
const LOGIN_KEYS: Partial<Record<WebhookFormat, string>> = { opsgenie: 'api_key', webex: 'token' };

function readReceiver(reader: NodeReader, node: Node, index: number): Receiver | null {
  const where = `receivers[${index}]`;
  const fields = reader.map(node, where, ['name', 'email', 'webhooks']);
  if (!fields) return null;
  const name = reader.requiredString(fields, 'name', where, node);
  if (name === null) return null;
  const label = `receiver '${name}'`;
  const receiver: Receiver = { name, email: [], webhooks: [] };
  const email = fields.get('email');
  if (email) {
    receiver.email = reader.scalarOrStrings(email, `${label}: email`);
    for (const address of receiver.email) if (!/^[^\s@]+@[^\s@]+$/.test(address)) reader.problem(email, `${label}: '${address}' is not an email address`);
  }
  const webhooks = fields.get('webhooks');
  if (webhooks) {
    receiver.webhooks = reader.list(webhooks, `${label}: webhooks`, (hook, i) => {
      const hookLabel = `${label}: webhooks[${i}]`;
      const hookFields = reader.map(hook, hookLabel, ['url', 'format', ...FORMAT_KEYS.map(([key]) => key), 'headers']);
      if (!hookFields) return null;
      let format: WebhookReceiver['format'] = 'json';
      const formatNode = hookFields.get('format');
      if (formatNode) {
        const value = reader.string(formatNode, `${hookLabel}: format`);
        if (value !== null && (WEBHOOK_FORMATS as readonly string[]).includes(value)) format = value as WebhookReceiver['format'];
        else if (value !== null) reader.problem(formatNode, `${hookLabel}: format must be one of ${WEBHOOK_FORMATS.join(', ')}, not '${value}'`);
      }
      // These services' endpoints are one for everyone (Opsgenie's EU accounts give theirs); their keys say whose.
      const defaultUrl = DEFAULT_URLS[format] ?? null;
      const url = defaultUrl !== null && !hookFields.has('url') ? defaultUrl : reader.requiredString(hookFields, 'url', hookLabel, hook);
      if (url === null) return null;
      try {
        const parsed = new URL(url);
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
        if (format === 'ntfy' && ntfyTopic(url) === null) reader.problem(hookFields.get('url') as Node, `${hookLabel}: an ntfy url names its topic, as https://ntfy.sh/mytopic`);
      } catch {
        reader.problem(hookFields.get('url') as Node, `${hookLabel}: url must be an http:// or https:// URL`);
      }
      const hookReceiver: WebhookReceiver = { url, format };
      for (const [key, field, needs] of FORMAT_KEYS) {
        const node = hookFields.get(key);
        const needed = needs.includes(format);
        if (node && !needed) reader.problem(node, `${hookLabel}: ${key} is for format ${needs.join(' or ')} only`);
        else if (node) {
          // A numeric chat id (-1001234567890) may be written unquoted.
          const value = reader.string(node, `${hookLabel}: ${key}`);
          if (value !== null) hookReceiver[field] = value.trim();
        } else if (needed) reader.problem(hook, `${hookLabel}: format ${format} needs ${key}`);
      }
      const headersNode = hookFields.get('headers');
      if (headersNode) {
        const headers = readHeaders(reader, headersNode, `${hookLabel}: headers`);
        if (headers) hookReceiver.headers = headers;
        // Two logins would be one too many: Vigil would send the format's and drop the other.
        const loginKey = LOGIN_KEYS[format];
        const authorization = Object.keys(headers ?? {}).find((name) => name.toLowerCase() === 'authorization');
        if (loginKey && authorization) reader.problem(headersNode, `${hookLabel}: headers: ${authorization} is made from ${loginKey} for format ${format}`);
      }
      return hookReceiver;
    });
  }
  return receiver;
}

/** What Vigil sets itself, or what would break the request. */
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'host', 'transfer-encoding', 'connection']);

function readHeaders(reader: NodeReader, node: Node, label: string): Record<string, string> | null {
  if (!isMap(node)) {
    reader.problem(node, `${label} must be a mapping of header names to values, such as { Authorization: "Bearer …" }`);
    return null;
  }
  const headers: Record<string, string> = {};
  for (const pair of node.items) {
    const key = pair.key as Node;
    const name = isScalar(key) ? String(key.value) : '';
    const where = pair.value === null ? node : (pair.value as Node);
    // RFC 9110's token characters.
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) reader.problem(key ?? node, `${label}: ${JSON.stringify(name)} is not a header name`);
    else if (RESERVED_HEADERS.has(name.toLowerCase())) reader.problem(key, `${label}: ${name} is set by Vigil`);
    else {
      const value = reader.string(where, `${label}: ${name}`);
      if (value !== null && /[\r\n\0]/.test(value)) reader.problem(where, `${label}: ${name} must be one line`);
      else if (value !== null) headers[name] = value;
    }
  }
  return headers;
}

function checkReferences(reader: NodeReader, top: Map<string, Node>, config: AlertsConfig, refs: References): void {
  const names = new Set<string>();
  const rulesNode = top.get('rules');
  for (const rule of config.rules) {
    if (names.has(rule.name)) reader.problem(rulesNode ?? null, `rule '${rule.name}' is defined twice`);
    names.add(rule.name);
  }
  const receiverNames = new Set(config.receivers.map((r) => r.name));
  for (const ref of refs.receivers) {
    if (!receiverNames.has(ref.name)) reader.problem(ref.node, `${ref.by}: no receiver is named '${ref.name}'`);
  }
  // Without a `rules:` list the built-in rules run, so a route may name those.
  for (const ref of refs.rules) {
    if (!names.has(ref.name)) reader.problem(ref.node, `${ref.by}: no rule is named '${ref.name}'`);
  }
}

/** Reads YAML nodes, recording a file:line problem for each thing that is not as expected. */
class NodeReader {
  private readonly file: string;
  private readonly lineOf: (offset: number) => number;
  private readonly problems: string[];

  constructor(file: string, lineOf: (offset: number) => number, problems: string[]) {
    this.file = file;
    this.lineOf = lineOf;
    this.problems = problems;
  }

  problem(node: Node | null, message: string): void {
    const line = node?.range ? this.lineOf(node.range[0]) : 1;
    this.problems.push(`${this.file}:${line}: ${message}`);
  }

  /** The entries of a mapping by key; unknown keys (when `known` is given) are problems. */
  map(node: Node, label: string, known: readonly string[] | null): Map<string, Node> | null {
    if (!isMap(node)) {
      this.problem(node, `${label} must be a mapping (key: value)`);
      return null;
    }
    const entries = new Map<string, Node>();
    for (const pair of (node as YAMLMap<unknown, unknown>).items) {
      const keyNode = pair.key as Node;
      const key = isScalar(keyNode) ? String(keyNode.value) : null;
      if (key === null) {
        this.problem(keyNode, `${label}: keys must be plain values`);
        continue;
      }
      if (known && !known.includes(key)) {
        this.problem(keyNode, `${label}: unknown key '${key}' (known: ${known.join(', ')})`);
        continue;
      }
      const value = (pair.value ?? keyNode) as Node;
      entries.set(key, value);
    }
    return entries;
  }

  list<T>(node: Node, label: string, read: (item: Node, index: number) => T | null): T[] {
    if (!isSeq(node)) {
      this.problem(node, `${label} must be a list`);
      return [];
    }
    const out: T[] = [];
    node.items.forEach((item, index) => {
      const value = read(item as Node, index);
      if (value !== null) out.push(value);
    });
    return out;
  }

  string(node: Node, label: string): string | null {
    if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') && String(node.value).trim() !== '') return String(node.value);
    this.problem(node, `${label} must be a non-empty string`);
    return null;
  }

  requiredString(fields: Map<string, Node>, key: string, label: string, owner: Node): string | null {
    const node = fields.get(key);
    if (!node) {
      this.problem(owner, `${label}: ${key} is required`);
      return null;
    }
    return this.string(node, `${label}: ${key}`);
  }

  strings(node: Node, label: string): string[] {
    return this.list(node, label, (item) => this.string(item, label));
  }

  /** One value or a list of them: `severity: critical` and `severity: [warning, critical]` alike. */
  scalarOrStrings(node: Node, label: string): string[] {
    if (!isScalar(node)) return this.strings(node, label);
    const value = this.string(node, label);
    return value === null ? [] : [value];
  }

  /** A list of names of things the file defines; each is kept in `refs` with its node, to be checked once all are read. */
  nameList(node: Node, by: string, refs: NameAt[], key?: string): string[] {
    const label = key ? `${by}: ${key}` : by;
    return this.list(node, label, (item) => {
      const name = this.string(item, label);
      if (name !== null) refs.push({ name, node: item, by });
      return name;
    });
  }

  number(node: Node, label: string, bounds: { integer?: boolean; min?: number; exclusiveMin?: boolean } = {}): number | null {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.problem(node, `${label} must be a number`);
      return null;
    }
    if (bounds.integer && !Number.isInteger(value)) this.problem(node, `${label} must be a whole number`);
    else if (bounds.min !== undefined && (bounds.exclusiveMin ? value <= bounds.min : value < bounds.min)) {
      this.problem(node, `${label} must be ${bounds.exclusiveMin ? 'more than' : 'at least'} ${bounds.min}`);
    } else return value;
    return null;
  }

  duration(node: Node, label: string): number | null {
    const value = isScalar(node) ? node.value : undefined;
    const ms = typeof value === 'string' ? parseDuration(value) : value === 0 ? 0 : null;
    if (ms === null) this.problem(node, `${label} must be a duration like 30s, 2m, 4h or 1d, not ${JSON.stringify(value ?? null)}`);
    return ms;
  }
}
