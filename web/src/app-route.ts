// The dashboard's hash routes: #/ (overview), #/hosts/<name>, #/alerts, #/availability, #/incidents,
// #/inventory, #/admin. The availability page keeps its period and group in the hash's query
// (#/availability?period=7d&group=web), so that a link shows what its sender saw.
// Host names are percent-encoded in the hash, so any name (slashes, spaces, markup) round-trips.

export type AppRoute =
  | { page: 'overview' }
  | { page: 'host'; host: string }
  | { page: 'alerts' }
  | { page: 'availability' }
  | { page: 'incidents' }
  | { page: 'inventory' }
  | { page: 'admin' }
  | { page: 'not-found'; hash: string };

export function hostHref(name: string): string {
  return `#/hosts/${encodeURIComponent(name)}`;
}

export function parseRoute(hash: string): AppRoute {
  const path = hash.replace(/^#/, '');
  if (path === '' || path === '/') return { page: 'overview' };
  if (path.startsWith('/hosts/')) {
    const encoded = path.slice('/hosts/'.length);
    try {
      const host = decodeURIComponent(encoded);
      if (host !== '') return { page: 'host', host };
    } catch {
      // A malformed escape: not a host anyone has.
    }
    return { page: 'not-found', hash };
  }
  // The dashboard's old link form (#host=NAME), kept so that bookmarks still open the host.
  if (path.startsWith('host=')) return parseRoute(`#/hosts/${path.slice('host='.length)}`);
  switch ((path.split('?')[0] ?? '').replace(/\/$/, '')) {
    case '/alerts':
      return { page: 'alerts' };
    case '/availability':
      return { page: 'availability' };
    case '/incidents':
      return { page: 'incidents' };
    case '/inventory':
      return { page: 'inventory' };
    case '/admin':
      return { page: 'admin' };
    default:
      return { page: 'not-found', hash };
  }
}

/** The availability page's period id and group as the hash gives them; null for what it leaves out. */
export function availabilityViewOf(hash: string): { period: string | null; group: string | null } {
  const query = hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '';
  const params = new URLSearchParams(query);
  const text = (name: string): string | null => {
    const value = params.get(name)?.trim();
    return value ? value : null;
  };
  return { period: text('period'), group: text('group') };
}

/** The availability page's hash for a period and group; the defaults are left out. */
export function availabilityHref(view: { period?: string | null; group?: string | null }, defaultPeriod = '30d'): string {
  const params = new URLSearchParams();
  if (view.period && view.period !== defaultPeriod) params.set('period', view.period);
  if (view.group) params.set('group', view.group);
  const query = params.toString();
  return query === '' ? '#/availability' : `#/availability?${query}`;
}
