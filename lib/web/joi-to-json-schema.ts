// A route's Joi schema as JSON Schema (the 2020-12 dialect OpenAPI 3.1 uses), read from
// schema.describe(). Covers what the routes use: strings, numbers, booleans, arrays, objects,
// alternatives, valid()/allow(), defaults and descriptions. What JSON Schema cannot say (a
// custom() conversion) is told in the description, from the message the rule fails with.

export type JsonSchema = { [key: string]: unknown };

/** The parts of Joi's describe() output read here. */
export interface JoiDescription {
  type: string;
  flags?: {
    presence?: 'optional' | 'required' | 'forbidden';
    default?: unknown;
    description?: string;
    only?: boolean;
    unknown?: boolean;
  };
  rules?: { name: string; args?: Record<string, unknown> }[];
  allow?: unknown[];
  keys?: Record<string, JoiDescription>;
  items?: JoiDescription[];
  matches?: { schema?: JoiDescription; then?: JoiDescription; otherwise?: JoiDescription }[];
  dependencies?: { rel: string; peers?: string[] }[];
  preferences?: { messages?: Record<string, string> };
  examples?: unknown[];
}

export function isRequired(description: JoiDescription): boolean {
  return description.flags?.presence === 'required';
}

export function joiToJsonSchema(description: JoiDescription): JsonSchema {
  const base = baseSchema(description);
  const schema = withAllowedValues(description, base);
  const text = describeText(description);
  if (text !== undefined) schema['description'] = text;
  const fallback = description.flags?.default;
  if (fallback !== undefined && isJsonValue(fallback)) schema['default'] = fallback;
  if (description.examples && description.examples.every(isJsonValue)) schema['examples'] = description.examples;
  return schema;
}

function baseSchema(description: JoiDescription): JsonSchema {
  switch (description.type) {
    case 'string':
      return stringSchema(description);
    case 'number':
      return numberSchema(description);
    case 'boolean':
      return { type: 'boolean' };
    case 'date':
      return { type: 'string', format: 'date-time' };
    case 'array':
      return arraySchema(description);
    case 'object':
      return objectSchema(description);
    case 'alternatives':
      return { anyOf: (description.matches ?? []).flatMap((m) => [m.schema, m.then, m.otherwise]).filter((s) => s !== undefined).map(joiToJsonSchema) };
    default:
      // any, link, symbol, binary, a custom type: JSON Schema's "anything".
      return {};
  }
}

function limit(rule: { args?: Record<string, unknown> }): number | undefined {
  const value = rule.args?.['limit'];
  return typeof value === 'number' ? value : undefined;
}

const STRING_FORMATS: Record<string, string> = { email: 'email', isoDate: 'date-time', guid: 'uuid', uri: 'uri', hostname: 'hostname', ip: 'ip' };

function stringSchema(description: JoiDescription): JsonSchema {
  const schema: JsonSchema = { type: 'string' };
  for (const rule of description.rules ?? []) {
    if (rule.name === 'min') schema['minLength'] = limit(rule);
    else if (rule.name === 'max') schema['maxLength'] = limit(rule);
    else if (rule.name === 'length') schema['minLength'] = schema['maxLength'] = limit(rule);
    else if (rule.name === 'pattern') {
      const regex = String(rule.args?.['regex'] ?? '');
      // Joi gives the literal (/…/flags); JSON Schema wants the body.
      schema['pattern'] = regex.replace(/^\/(.*)\/[a-z]*$/s, '$1');
    } else if (STRING_FORMATS[rule.name] !== undefined) schema['format'] = STRING_FORMATS[rule.name];
  }
  // Joi refuses '' unless allow('') says otherwise (handled by withAllowedValues).
  if (schema['minLength'] === undefined && !(description.allow ?? []).includes('')) schema['minLength'] = 1;
  return schema;
}

function numberSchema(description: JoiDescription): JsonSchema {
  const schema: JsonSchema = { type: 'number' };
  for (const rule of description.rules ?? []) {
    if (rule.name === 'integer') schema['type'] = 'integer';
    else if (rule.name === 'min') schema['minimum'] = limit(rule);
    else if (rule.name === 'max') schema['maximum'] = limit(rule);
    else if (rule.name === 'greater') schema['exclusiveMinimum'] = limit(rule);
    else if (rule.name === 'less') schema['exclusiveMaximum'] = limit(rule);
    else if (rule.name === 'multiple') schema['multipleOf'] = rule.args?.['base'];
  }
  return schema;
}

function arraySchema(description: JoiDescription): JsonSchema {
  const schema: JsonSchema = { type: 'array' };
  const items = (description.items ?? []).map(joiToJsonSchema);
  if (items.length === 1) schema['items'] = items[0];
  else if (items.length > 1) schema['items'] = { anyOf: items };
  for (const rule of description.rules ?? []) {
    if (rule.name === 'min') schema['minItems'] = limit(rule);
    else if (rule.name === 'max') schema['maxItems'] = limit(rule);
    else if (rule.name === 'length') schema['minItems'] = schema['maxItems'] = limit(rule);
    else if (rule.name === 'unique') schema['uniqueItems'] = true;
  }
  return schema;
}

function objectSchema(description: JoiDescription): JsonSchema {
  const schema: JsonSchema = { type: 'object' };
  // Joi.object() without keys takes any keys; with keys, only those unless unknown(true).
  if (description.keys === undefined) return schema;
  const properties: JsonSchema = {};
  const required: string[] = [];
  for (const [name, child] of Object.entries(description.keys)) {
    if (child.flags?.presence === 'forbidden') continue;
    properties[name] = joiToJsonSchema(child);
    if (isRequired(child)) required.push(name);
  }
  schema['properties'] = properties;
  if (required.length > 0) schema['required'] = required;
  if (description.flags?.unknown !== true) schema['additionalProperties'] = false;
  const constraints = (description.dependencies ?? []).map(dependencySchema).filter((c) => c !== null);
  if (constraints.length === 1) Object.assign(schema, constraints[0]);
  else if (constraints.length > 1) schema['allOf'] = constraints;
  return schema;
}

// Joi's or()/xor()/oxor() as JSON Schema; the rest (and, nand, with, without) only in words.
function dependencySchema(dependency: { rel: string; peers?: string[] }): JsonSchema | null {
  const each = (dependency.peers ?? []).map((peer) => ({ required: [peer] }));
  if (each.length === 0) return null;
  if (dependency.rel === 'or') return { anyOf: each };
  if (dependency.rel === 'xor') return { oneOf: each };
  if (dependency.rel === 'oxor') return { not: { anyOf: each.flatMap((a, i) => each.slice(i + 1).map((b) => ({ required: [...a.required, ...b.required] }))) } };
  return null;
}

/** valid() makes the allowed values the only ones; allow() adds them to what the type takes. */
function withAllowedValues(description: JoiDescription, base: JsonSchema): JsonSchema {
  const allowed = (description.allow ?? []).filter(isJsonValue);
  if (allowed.length === 0) return base;
  if (description.flags?.only === true) {
    const types = [...new Set(allowed.map(jsonType))];
    return { ...(types.length === 1 ? { type: types[0] } : {}), enum: allowed };
  }
  const extra = allowed.filter((value) => !(value === '' && description.type === 'string' && base['minLength'] === undefined));
  if (extra.length === 0) return base;
  if (extra.length === 1 && extra[0] === null && typeof base['type'] === 'string') return { ...base, type: [base['type'], 'null'] };
  return { anyOf: [base, { enum: extra }] };
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function describeText(description: JoiDescription): string | undefined {
  const own = description.flags?.description;
  if (own !== undefined) return own;
  // A custom() conversion accepts what its failure message describes.
  if (!(description.rules ?? []).some((rule) => rule.name === 'custom')) return undefined;
  const message = description.preferences?.messages?.['any.invalid'];
  if (message === undefined) return undefined;
  const text = message.replace(/^\{\{#label\}\}\s*/, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function isJsonValue(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonValue);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    // Joi describes references and special defaults as objects with these markers.
    const record = value as Record<string, unknown>;
    if ('ref' in record || 'special' in record || 'template' in record) return false;
    return Object.values(record).every(isJsonValue);
  }
  return false;
}
