// The page's first calls, started before the rest of the bundle is evaluated (main.ts imports
// this module first, and it needs nothing but the API client): the session check, and when the
// page opens on the overview, the hosts and the fleet summary, all at once. Without it the
// session is asked for only once Lit, uPlot and every page are defined, and the overview's calls
// a round trip later. Whoever asks first for the same path takes the answer (prefetchJson).
import { FLEET_SUMMARY_PATH, LOGIN_PATH, hostsPath, prefetchJson } from './api-client.ts';
import { parseRoute } from './app-route.ts';

prefetchJson(LOGIN_PATH);
// The overview's first refresh asks for these paths; not the sparklines, the largest answer and
// not needed for the first rows.
if (parseRoute(location.hash).page === 'overview') {
  prefetchJson(hostsPath(null));
  prefetchJson(FLEET_SUMMARY_PATH);
}
