// The OpenAPI 3.1 description of a hapi server's API, made from its route table at run time,
// so it cannot drift from what the server does: paths and methods, path and query parameters
// and JSON bodies from each route's Joi validation, who may call it from its auth settings,
// and the words from the route's description, notes and tags.
import type { RequestRoute, Server } from '@hapi/hapi';
import { SESSION_COOKIE } from '../auth/session-policy.ts';
import { isRequired, joiToJsonSchema } from './joi-to-json-schema.ts';
import type { JoiDescription, JsonSchema } from './joi-to-json-schema.ts';

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiOperation {
  operationId: string;
  summary?: string;
  description?: string;
  tags: string[];
  parameters: OpenApiParameter[];
  requestBody?: { required: boolean; content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
  /** [] when no login is needed; otherwise any one of the listed requirements. */
  security: Record<string, string[]>[];
  /** The scopes (roles) a caller needs beyond being logged in, e.g. ["admin"]. */
  'x-vigil-scopes'?: string[];
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: OpenApiInfo;
  tags: { name: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, JsonSchema>;
  };
}

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string', description: 'The HTTP reason phrase' },
    message: { type: 'string', description: 'What was wrong' },
  },
};

const SECURITY_SCHEMES: Record<string, JsonSchema> = {
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description:
      'The session cookie POST /api/v1/session sets on login. A write (POST, PUT, PATCH, DELETE) made with it must carry the header x-csrf-token with the csrfToken the session was given.',
  },
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token (vigil_…) made by an admin with POST /api/v1/tokens, sent as "Authorization: Bearer vigil_…".',
  },
};

const WRITES = new Set(['post', 'put', 'patch', 'delete']);

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

/** The routes an API reference lists: catch-alls (the dashboard's files, the API's 404) are no operations. */
function isDocumentedRoute(route: RequestRoute): boolean {
  return !route.path.includes('*') && route.method !== '*';
}

export function buildOpenApiDocument(server: Server, info: OpenApiInfo): OpenApiDocument {
  const routes = server
    .table()
    .filter(isDocumentedRoute)
    .sort((a, b) => (a.path === b.path ? a.method.localeCompare(b.method) : a.path < b.path ? -1 : 1));
  const paths: OpenApiDocument['paths'] = {};
  const usedIds = new Set<string>();
  const tags = new Set<string>();
  for (const route of routes) {
    const operation = describeRoute(server, route, usedIds);
    for (const tag of operation.tags) tags.add(tag);
    const path = route.path.replace(/\{(\w+)\?\}/g, '{$1}');
    (paths[path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info,
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: { schemas: { Error: ERROR_SCHEMA }, securitySchemes: SECURITY_SCHEMES },
  };
}

function describeRoute(server: Server, route: RequestRoute, usedIds: Set<string>): OpenApiOperation {
  const settings = route.settings;
  const validate = settings.validate ?? {};
  const parameters = [...pathParameters(route.path, describeJoi(validate.params)), ...queryParameters(describeJoi(validate.query))];
  const access = routeAccess(server, route);
  if (access.required && WRITES.has(route.method)) {
    parameters.push({
      name: 'x-csrf-token',
      in: 'header',
      required: false,
      description: 'Needed when authenticated by the session cookie: the csrfToken of GET /api/v1/session. Not needed with a bearer token.',
      schema: { type: 'string' },
    });
  }
  const notes = settings.notes === undefined ? [] : Array.isArray(settings.notes) ? settings.notes : [settings.notes];
  const operation: OpenApiOperation = {
    operationId: uniqueId(typeof settings.id === 'string' ? settings.id : operationIdFor(route.method, route.path), usedIds),
    ...(settings.description ? { summary: settings.description } : {}),
    ...(notes.length > 0 ? { description: notes.join('\n\n') } : {}),
    tags: tagsFor(route),
    parameters,
    responses: {},
    security: access.required ? ['session', 'bearer'].map((scheme) => ({ [scheme]: access.scopes })) : [],
  };
  if (access.required && access.optional) operation.security.push({});
  if (access.scopes.length > 0) operation['x-vigil-scopes'] = access.scopes;

  const payload = describeJoi(validate.payload);
  if (payload) {
    const required = isRequired(payload) || Object.values(payload.keys ?? {}).some(isRequired);
    operation.requestBody = { required, content: { 'application/json': { schema: joiToJsonSchema(payload) } } };
  }

  operation.responses['2XX'] = { description: 'Success' };
  if (validate.params || validate.query || validate.payload) operation.responses['400'] = errorResponse('The input is invalid; the message says which part and why');
  if (access.required && !access.optional) operation.responses['401'] = errorResponse('Not logged in and no valid API token');
  if (access.scopes.length > 0) operation.responses['403'] = errorResponse(`Needs the ${access.scopes.join(', ')} role${WRITES.has(route.method) ? ', or a missing or wrong CSRF token' : ''}`);
  else if (access.required && WRITES.has(route.method)) operation.responses['403'] = errorResponse('A missing or wrong CSRF token (session cookie only)');
  if (route.path.includes('{')) operation.responses['404'] = errorResponse('Nothing found by that name or id');
  return operation;
}

interface RouteAccess {
  required: boolean;
  /** mode optional or try: works without credentials too. */
  optional: boolean;
  scopes: string[];
}

interface AuthSettings {
  mode?: string;
  strategies?: string[];
  access?: { scope?: false | { selection?: string[]; required?: string[] } }[];
}

// The route's own auth settings, else the server's default strategy (applied at request time
// to routes registered before the default was set).
function routeAccess(server: Server, route: RequestRoute): RouteAccess {
  const own = route.settings.auth as AuthSettings | false | undefined;
  if (own === false) return { required: false, optional: false, scopes: [] };
  const settings = own ?? (server.auth.settings.default as AuthSettings | undefined | null);
  if (!settings || (settings.strategies ?? []).length === 0) return { required: false, optional: false, scopes: [] };
  const scopes = new Set<string>();
  for (const entry of settings.access ?? []) {
    if (!entry.scope) continue;
    for (const scope of [...(entry.scope.selection ?? []), ...(entry.scope.required ?? [])]) scopes.add(scope);
  }
  return { required: true, optional: settings.mode === 'optional' || settings.mode === 'try', scopes: [...scopes].sort() };
}

function describeJoi(schema: unknown): JoiDescription | undefined {
  if (schema === null || typeof schema !== 'object' || !('describe' in schema) || typeof schema.describe !== 'function') return undefined;
  return (schema.describe as () => JoiDescription)();
}

function pathParameters(path: string, params: JoiDescription | undefined): OpenApiParameter[] {
  return [...path.matchAll(/\{(\w+)\??\}/g)].map((match) => {
    const name = match[1] ?? '';
    const described = params?.keys?.[name];
    return toParameter(name, 'path', described ?? { type: 'string' }, true);
  });
}

function queryParameters(query: JoiDescription | undefined): OpenApiParameter[] {
  return Object.entries(query?.keys ?? {})
    .filter(([, description]) => description.flags?.presence !== 'forbidden')
    .map(([name, description]) => toParameter(name, 'query', description, isRequired(description)));
}

function toParameter(name: string, location: 'path' | 'query', description: JoiDescription, required: boolean): OpenApiParameter {
  const { description: text, ...schema } = joiToJsonSchema(description);
  return { name, in: location, required, ...(typeof text === 'string' ? { description: text } : {}), schema };
}

function tagsFor(route: RequestRoute): string[] {
  // hapi's own convention tags routes "api"; it says nothing a reader needs.
  const own = (route.settings.tags ?? []).filter((tag) => tag !== 'api');
  if (own.length > 0) return own;
  const match = /^\/api\/v\d+\/([^/{]+)/.exec(route.path);
  return [match?.[1] ?? 'service'];
}

/** get /api/v1/hosts/{name}/samples → getHostsByNameSamples. */
export function operationIdFor(method: string, path: string): string {
  const words = path
    .replace(/^\/api\/v\d+/, '')
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      const param = /^\{(\w+)\??\}$/.exec(segment);
      return param ? `by-${param[1]}` : segment;
    })
    .join('-')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '');
  return method.toLowerCase() + words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
}

function uniqueId(id: string, used: Set<string>): string {
  let candidate = id;
  for (let n = 2; used.has(candidate); n++) candidate = `${id}${n}`;
  used.add(candidate);
  return candidate;
}
