// The dashboard's hash routes: #/ (overview), #/hosts/<name>, #/alerts, #/availability, #/inventory,
// #/admin.
// Host names are percent-encoded in the hash, so any name (slashes, spaces, markup) round-trips.

export type AppRoute =
  | { page: 'overview' }
  | { page: 'host'; host: string }
  | { page: 'alerts' }
  | { page: 'availability' }
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
  switch (path.replace(/\/$/, '')) {
    case '/alerts':
      return { page: 'alerts' };
    case '/availability':
      return { page: 'availability' };
    case '/inventory':
      return { page: 'inventory' };
    case '/admin':
      return { page: 'admin' };
    default:
      return { page: 'not-found', hash };
  }
}
