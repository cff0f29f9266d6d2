// Ansible's unfrackpath (and resolve_path, for a config file's values): $VARS expanded, then ~,
// then made absolute against `base` and normalised, without following links. One way for every
// path Ansible's own settings and arguments name: the inventory sources, ansible.cfg's files.
import { homedir } from 'node:os';
import { isAbsolute, normalize, resolve } from 'node:path';

export interface UnfrackPlaces {
  env?: NodeJS.ProcessEnv;
  home?: string;
}

export function unfrackPath(path: string, base: string, places: UnfrackPlaces = {}): string {
  const env = places.env ?? process.env;
  const expanded = path
    .replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, a?: string, b?: string) => env[a ?? b ?? ''] ?? whole)
    .replace(/^~(?=$|\/)/, places.home ?? homedir());
  return normalize(isAbsolute(expanded) ? expanded : resolve(base, expanded));
}
