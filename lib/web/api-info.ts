// The title, version and introduction of Vigil's API description: one text for the served
// OpenAPI document and the README's API reference.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths.ts';
import type { OpenApiInfo } from './openapi.ts';

export function vigilApiInfo(): OpenApiInfo {
  const { version } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
  return {
    title: 'Vigil API',
    version,
    description:
      'The JSON API of the Vigil dashboard. Every route needs a login, unless it is open to anyone: the session cookie of POST /api/v1/session, or an API token sent as "Authorization: Bearer vigil_…". A write (POST, PATCH, DELETE) made with the cookie must also send the header x-csrf-token with the session\'s csrfToken. Admin routes need the admin role. Errors are JSON {statusCode, error, message}, the message saying what was wrong.',
  };
}
