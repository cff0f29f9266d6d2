// A host's alerting settings from its inventory variables (and vigil_maintenance, carried for the
// alerter, vigil_availability_target for availability reports and vigil_status_name for the public
// status page):
//   vigil_down_after: 5
//   vigil_parents: [core-switch-1, core-switch-2]
//   vigil_availability_target: 99.9
//   vigil_status_name: Checkout API
//   vigil_thresholds:
//     cpu_busy: { warning: 90, critical: 98 }
//     filesystem_used: { '/data': { warning: 95 }, '/boot': false }
//     swap_used: false
// In group_vars YAML the dict arrives as a dict; in an INI file as text, which is read as a YAML
// flow mapping (that also takes Python's dict syntax, {'cpu_busy': {'warning': 90}}).
import { parse } from 'yaml';
import type { HostAlerting, HostRuleOverride, RuleOverride } from './alerts-config.ts';
import { parseDuration } from './alerts-file.ts';
import type { Severity } from './alert-event.ts';

/** Called with the variable at fault and what is wrong with it; must throw. */
export type InvalidVariable = (variable: string, message: string) => never;

const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];
/** Also a check's `name` (parse-check-specs.ts): a line on a status page, not a paragraph. */
export const STATUS_NAME_MAX = 100;
const OVERRIDE_KEYS = [...SEVERITIES, 'recover_at', 'for', 'enabled'];

/** Only what the variables set: a host without them keeps the plain HostTarget shape. */
export function hostAlertingFromVars(vars: Record<string, unknown>, invalid: InvalidVariable): { alerting?: HostAlerting } {
  const alerting: HostAlerting = {};
  const downAfter = vars['vigil_down_after'];
  if (downAfter !== undefined && downAfter !== null) {
    const value = typeof downAfter === 'string' && /^\s*\d+\s*$/.test(downAfter) ? Number(downAfter) : downAfter;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 1000) {
      invalid('vigil_down_after', `must be a whole number from 1 to 1000, got ${show(downAfter)}`);
    }
    alerting.downAfter = value as number;
  }
  let thresholds = vars['vigil_thresholds'];
  if (typeof thresholds === 'string') {
    try {
      thresholds = parse(thresholds);
    } catch (error) {
      invalid('vigil_thresholds', `is not a mapping: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  if (thresholds !== undefined && thresholds !== null && thresholds !== '') {
    if (!isRecord(thresholds)) invalid('vigil_thresholds', `must be a mapping of rule names, got ${show(thresholds)}`);
    alerting.thresholds = {};
    for (const [rule, value] of Object.entries(thresholds as Record<string, unknown>)) {
      alerting.thresholds[rule] = readRuleOverride(value, `vigil_thresholds.${rule}`, invalid);
    }
  }
  const target = vars['vigil_availability_target'];
  if (target !== undefined && target !== null && target !== '') {
    // "99.9" or "99.9%" in an INI file, a number in YAML.
    const value = typeof target === 'string' && /^\s*\d+(\.\d+)?\s*%?\s*$/.test(target) ? Number(target.replace('%', '')) : target;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 100) {
      invalid('vigil_availability_target', `must be a percentage above 0 and at most 100, such as 99.9, got ${show(target)}`);
    }
    alerting.availabilityTargetPct = value as number;
  }
  const statusName = vars['vigil_status_name'];
  if (statusName !== undefined && statusName !== null && statusName !== '') {
    if (typeof statusName !== 'string' && typeof statusName !== 'number') invalid('vigil_status_name', `must be text, got ${show(statusName)}`);
    const text = String(statusName).trim();
    if (text === '' || text.length > STATUS_NAME_MAX) invalid('vigil_status_name', `must be 1 to ${STATUS_NAME_MAX} characters, got ${show(statusName)}`);
    alerting.statusName = text;
  }
  const parents = vars['vigil_parents'];
  if (parents !== undefined && parents !== null && parents !== '') alerting.parents = readParents(parents, invalid);
  const maintenance = vars['vigil_maintenance'];
  if (maintenance !== undefined && maintenance !== null && maintenance !== '') {
    // Validated by the alerter (maintenance-windows.ts), which skips bad entries and says why.
    alerting.maintenance = typeof maintenance === 'string' ? parseLeniently(maintenance) : maintenance;
  }
  return Object.keys(alerting).length > 0 ? { alerting } : {};
}

/**
 * vigil_parents: inventory names of the hosts this one is reached through on the network (a switch,
 * a router, a hypervisor), as Checkmk's parents. A YAML list, or in an INI file a list as text:
 * `[sw1, sw2]`, `sw1,sw2` or `sw1 sw2`. That the names are hosts of the inventory, and form no
 * loop, is checked with the whole inventory (lib/inventory/check-host-parents.ts).
 */
function readParents(value: unknown, invalid: InvalidVariable): string[] {
  let list = value;
  if (typeof value === 'string') {
    const text = value.trim();
    list = text.startsWith('[') ? parseLeniently(text) : text.split(/[\s,]+/).filter(Boolean);
  }
  if (!Array.isArray(list)) return invalid('vigil_parents', `must be a list of inventory host names, got ${show(value)}`);
  const names: string[] = [];
  for (const item of list) {
    if ((typeof item !== 'string' && typeof item !== 'number') || String(item).trim() === '') {
      invalid('vigil_parents', `must be a list of inventory host names, got ${show(item)} in ${show(value)}`);
    }
    const name = String(item).trim();
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

function readRuleOverride(value: unknown, where: string, invalid: InvalidVariable): HostRuleOverride {
  if (value === false || value === 'false') return { enabled: false };
  if (!isRecord(value)) return invalid('vigil_thresholds', `${where} must be a mapping like { warning: 90 } or false, got ${show(value)}`);
  const own: Record<string, unknown> = {};
  const items: Record<string, RuleOverride> = {};
  for (const [key, field] of Object.entries(value)) {
    // Anything not a setting names an item (a mount, a GPU index, a process pattern).
    if (OVERRIDE_KEYS.includes(key)) own[key] = field;
    else if (isRecord(field) || field === false || field === 'false') items[key] = readOverride(field, `${where}['${key}']`, invalid);
    else invalid('vigil_thresholds', `${where}: unknown setting '${key}' (known: ${OVERRIDE_KEYS.join(', ')}, or an item such as a mount point with its own settings)`);
  }
  const override: HostRuleOverride = readOverride(own, where, invalid);
  if (Object.keys(items).length > 0) override.items = items;
  return override;
}

function readOverride(value: unknown, where: string, invalid: InvalidVariable): RuleOverride {
  if (value === false || value === 'false') return { enabled: false };
  const fields = value as Record<string, unknown>;
  const override: RuleOverride = {};
  for (const [key, field] of Object.entries(fields)) {
    if ((SEVERITIES as readonly string[]).includes(key)) {
      override.levels ??= {};
      override.levels[key as Severity] = field === null || field === 'null' || field === 'none' ? null : number(field, `${where}.${key}`, invalid);
    } else if (key === 'recover_at') override.recoverAt = number(field, `${where}.recover_at`, invalid);
    else if (key === 'for') {
      const ms = typeof field === 'string' ? parseDuration(field) : field === 0 ? 0 : null;
      if (ms === null) invalid('vigil_thresholds', `${where}.for must be a duration like 30s, 2m or 1h, got ${show(field)}`);
      override.forMs = ms as number;
    } else if (key === 'enabled') {
      if (typeof field === 'boolean') override.enabled = field;
      else if (field === 'true' || field === 'false') override.enabled = field === 'true';
      else invalid('vigil_thresholds', `${where}.enabled must be true or false, got ${show(field)}`);
    } else invalid('vigil_thresholds', `${where}: unknown setting '${key}' (known: ${OVERRIDE_KEYS.join(', ')})`);
  }
  return override;
}

function number(value: unknown, where: string, invalid: InvalidVariable): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return invalid('vigil_thresholds', `${where} must be a number, got ${show(value)}`);
}

function parseLeniently(text: string): unknown {
  try {
    return parse(text) as unknown;
  } catch {
    return text;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
