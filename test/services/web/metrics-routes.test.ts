import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Hapi from '@hapi/hapi';
import { createVigilMetrics, processMetrics } from '../../../lib/metrics/vigil-metrics.ts';
import type { PollSuccess } from '../../../lib/poll/poll-messages.ts';
import { metricsRoutes } from '../../../services/web/routes/metrics-routes.ts';
import { useTestWebServer } from '../../support/test-web-server.ts';
import { parsePrometheusText, valueOf } from '../../metrics/prometheus-text.ts';

void describe('metrics routes', () => {
  const web = useTestWebServer();

  void test('the web server serves the process\'s registry at GET /metrics: what the services beside it record', async () => {
    const now = Date.now();
    const result = { kind: 'failure', reason: 'dns', message: 'no such host', host: 'x', seq: 1, scheduledAt: now, startedAt: now, finishedAt: now + 30 } as const;
    const before = valueOf(parsePrometheusText((await web.server.inject({ url: '/metrics', headers: web.asViewer })).payload), 'vigil_poll_failures_total', { reason: 'dns' }) ?? 0;
    processMetrics().recordPoll(result);
    const res = await web.server.inject({ url: '/metrics', headers: web.asViewer });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4; charset=utf-8$/);
    const samples = parsePrometheusText(res.payload);
    assert.equal(valueOf(samples, 'vigil_poll_failures_total', { reason: 'dns' }), before + 1);
    assert.ok((valueOf(samples, 'process_resident_memory_bytes') ?? 0) > 0);
  });

  void test('GET /metrics needs a login or an API token (Prometheus sends a bearer token): 401 without', async () => {
    const res = await web.server.inject('/metrics');
    assert.equal(res.statusCode, 401);
    assert.doesNotMatch(res.payload, /vigil_poll/);
  });

  void test('GET /metrics with a query parameter is a 400', async () => {
    const res = await web.server.inject({ url: '/metrics?x=1', headers: web.asViewer });
    assert.equal(res.statusCode, 400);
  });

  void test('the route serves the registry it is given', async () => {
    const metrics = createVigilMetrics({ processMetrics: false });
    const own = Hapi.server();
    await own.register({ plugin: metricsRoutes, options: { registry: metrics.registry } });
    const at = Date.now();
    const sample = { kind: 'sample', host: 'h', seq: 1, scheduledAt: at, startedAt: at, finishedAt: at + 250 } as unknown as PollSuccess;
    metrics.recordPoll(sample);
    const samples = parsePrometheusText((await own.inject('/metrics')).payload);
    assert.equal(valueOf(samples, 'vigil_polls_total', { outcome: 'sample' }), 1);
    assert.equal(valueOf(samples, 'vigil_poll_duration_seconds_bucket', { outcome: 'sample', le: '0.25' }), 1);
    assert.equal(valueOf(samples, 'vigil_poll_duration_seconds_bucket', { outcome: 'sample', le: '0.1' }), 0);
    assert.equal(valueOf(samples, 'process_resident_memory_bytes'), undefined);
  });
});
