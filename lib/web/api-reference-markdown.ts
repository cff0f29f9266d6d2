// The README's "API reference" section, written from the same OpenAPI document the server
// serves, and put between two markers so that `npm run api-doc` can redo it.
import type { JsonSchema } from './joi-to-json-schema.ts';
import type { OpenApiDocument, OpenApiOperation, OpenApiParameter } from './openapi.ts';

export const START_MARKER = '<!-- api-reference:start (npm run api-doc writes this section) -->';
export const END_MARKER = '<!-- api-reference:end -->';

export function renderApiReference(doc: OpenApiDocument): string {
  const lines: string[] = [
    START_MARKER,
    '## API reference',
    '',
    `${doc.info.description ?? ''} The server describes itself in OpenAPI 3.1 at \`GET /api/v1/openapi.json\`, which this section is generated from.`,
    '',
  ];
  const byTag = new Map<string, { method: string; path: string; op: OpenApiOperation }[]>();
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const tag = op.tags[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, op }]);
    }
  }
  for (const tag of [...byTag.keys()].sort()) {
    lines.push(`### ${tag}`, '', '| method | path | who | what |', '|---|---|---|---|');
    const entries = byTag.get(tag) ?? [];
    for (const { method, path, op } of entries) {
      lines.push(`| ${method.toUpperCase()} | \`${path}\` | ${who(op)} | ${cell(op.summary ?? '')} |`);
    }
    lines.push('');
    for (const { method, path, op } of entries) lines.push(...operationDetails(method, path, op));
  }
  lines.push(END_MARKER);
  return lines.join('\n');
}

/** The README with its API reference section replaced (or added at the end). */
export function replaceApiReference(readme: string, section: string): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start === -1 || end === -1 || end < start) return `${readme.trimEnd()}\n\n${section}\n`;
  return readme.slice(0, start) + section + readme.slice(end + END_MARKER.length);
}

function who(op: OpenApiOperation): string {
  if (op.security.length === 0) return 'anyone';
  const scopes = op['x-vigil-scopes'] ?? [];
  return scopes.length > 0 ? scopes.join(', ') : 'logged in';
}

function operationDetails(method: string, path: string, op: OpenApiOperation): string[] {
  const parameters = op.parameters.filter((p) => p.in !== 'header');
  const body = op.requestBody?.content['application/json'].schema;
  const bodyProperties = body && isObject(body['properties']) ? Object.entries(body['properties'] as Record<string, JsonSchema>) : [];
  if (!op.description && parameters.length === 0 && bodyProperties.length === 0) return [];
  const lines = [`**${method.toUpperCase()} \`${path}\`**${op.summary ? ` ${op.summary}.` : ''}`, ''];
  if (op.description) lines.push(oneLine(op.description), '');
  if (parameters.length > 0 || bodyProperties.length > 0) {
    const required = new Set(Array.isArray(body?.['required']) ? (body['required'] as string[]) : []);
    lines.push('| name | in | type | required | description |', '|---|---|---|---|---|');
    for (const parameter of parameters) lines.push(parameterRow(parameter));
    for (const [name, schema] of bodyProperties) {
      lines.push(`| \`${name}\` | body | ${cell(typeText(schema))} | ${required.has(name) ? 'yes' : ''} | ${cell(String(schema['description'] ?? ''))} |`);
    }
    lines.push('');
  }
  return lines;
}

function parameterRow(parameter: OpenApiParameter): string {
  return `| \`${parameter.name}\` | ${parameter.in} | ${cell(typeText(parameter.schema))} | ${parameter.required ? 'yes' : ''} | ${cell(parameter.description ?? '')} |`;
}

/** "integer 2–20000, default 1000", "one of auto, raw; default auto". */
export function typeText(schema: JsonSchema): string {
  const parts: string[] = [];
  if (Array.isArray(schema['enum'])) parts.push(`one of ${(schema['enum'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
  else if (Array.isArray(schema['anyOf'])) parts.push((schema['anyOf'] as JsonSchema[]).map(typeText).join(' or '));
  else {
    const type = Array.isArray(schema['type']) ? (schema['type'] as string[]).join(' or ') : typeof schema['type'] === 'string' ? schema['type'] : 'any';
    const items = isObject(schema['items']) ? ` of ${typeText(schema['items'] as JsonSchema)}` : '';
    parts.push(`${type}${items}${range(schema)}`);
  }
  if (schema['default'] !== undefined) parts.push(`default ${JSON.stringify(schema['default'])}`);
  return parts.join(', ');
}

function range(schema: JsonSchema): string {
  const [low, high] = schema['type'] === 'string' ? [schema['minLength'], schema['maxLength']] : [schema['minimum'], schema['maximum']];
  if (low === undefined && high === undefined) return '';
  const unit = schema['type'] === 'string' ? ' chars' : '';
  if (low !== undefined && high !== undefined) return ` ${String(low)}–${String(high)}${unit}`;
  return low !== undefined ? ` ≥ ${String(low)}${unit}` : ` ≤ ${String(high)}${unit}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

// A table cell: one line, and a | would end the cell.
function cell(text: string): string {
  return oneLine(text).replace(/\|/g, '\\|');
}
