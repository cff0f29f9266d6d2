import assert from 'node:assert/strict';
import { test } from 'node:test';
import { availabilityHref, availabilityViewOf, hostHref, parseRoute } from '../../web/src/app-route.ts';

void test('the pages by their hash', () => {
  assert.deepEqual(parseRoute(''), { page: 'overview' });
  assert.deepEqual(parseRoute('#/'), { page: 'overview' });
  assert.deepEqual(parseRoute('#/alerts'), { page: 'alerts' });
  assert.deepEqual(parseRoute('#/alerts/'), { page: 'alerts' });
  assert.deepEqual(parseRoute('#/availability'), { page: 'availability' });
  assert.deepEqual(parseRoute('#/availability/'), { page: 'availability' });
  assert.deepEqual(parseRoute('#/availability?period=7d&group=web'), { page: 'availability' });
  assert.deepEqual(parseRoute('#/incidents'), { page: 'incidents' });
  assert.deepEqual(parseRoute('#/incidents/'), { page: 'incidents' });
  assert.deepEqual(parseRoute('#/incidents?x=1'), { page: 'incidents' });
  assert.deepEqual(parseRoute('#/incidents/12'), { page: 'not-found', hash: '#/incidents/12' });
  assert.deepEqual(parseRoute('#/inventory'), { page: 'inventory' });
  assert.deepEqual(parseRoute('#/admin'), { page: 'admin' });
  assert.deepEqual(parseRoute('#/nope'), { page: 'not-found', hash: '#/nope' });
});

void test('any host name round-trips through hostHref and parseRoute', () => {
  for (const name of ['web-1', 'db/primary', 'a b', '<img src=x onerror=alert(1)>', '"><script>alert(2)</script>', '%41', '#/admin', 'ünïcode', '?x=1']) {
    const href = hostHref(name);
    assert.match(href, /^#\/hosts\/[^#?/<>"' ]+$/, href);
    assert.deepEqual(parseRoute(href), { page: 'host', host: name });
  }
});

void test('a malformed or empty host is not found; the old #host= links still open the host', () => {
  assert.equal(parseRoute('#/hosts/%E0%A4%A').page, 'not-found');
  assert.equal(parseRoute('#/hosts/').page, 'not-found');
  assert.deepEqual(parseRoute('#host=web%201'), { page: 'host', host: 'web 1' });
});

void test('the availability page\'s period and group round-trip through the hash, defaults left out', () => {
  assert.deepEqual(availabilityViewOf('#/availability'), { period: null, group: null });
  assert.deepEqual(availabilityViewOf('#/availability?period=7d&group=web%20tier'), { period: '7d', group: 'web tier' });
  assert.deepEqual(availabilityViewOf('#/availability?group=&period=+'), { period: null, group: null });
  assert.equal(availabilityHref({ period: '30d', group: null }), '#/availability');
  assert.equal(availabilityHref({ period: '90d', group: 'a&b=c' }), '#/availability?period=90d&group=a%26b%3Dc');
  assert.deepEqual(availabilityViewOf(availabilityHref({ period: '24h', group: 'a&b=c' })), { period: '24h', group: 'a&b=c' });
});
