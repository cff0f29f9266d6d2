import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The checkout (or installed package) root, whatever the working directory. */
export const PROJECT_ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Where the dashboard's static files are built to and served from. */
export const WEB_DIST_DIR = path.join(PROJECT_ROOT, 'web', 'dist');
