import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deleteExpiredRecords } from '../../../lib/db/queries/delete-expired-records.ts';
import { insertAlertHistory } from '../../../lib/db/queries/insert-alert-history.ts';
import { listIncidents } from '../../../lib/db/queries/list-incidents.ts';
import { addIncidentUpdate, openIncident } from '../../../lib/db/queries/post-incident.ts';
import { saveAlert } from '../../../lib/db/queries/save-alert.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { storedAlert } from './alert-fixtures.ts';

const DAY_MS = 86_400_000;
const NOW = Date.parse('2026-11-24T12:00:00.000Z');
const ago = (days: number): Date => new Date(NOW - days * DAY_MS);

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`deleteExpiredRecords on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
    });
    after(async () => testDb?.close());

    void test('failures go with the raw data, history, sent notices and long-resolved alerts with the rollups, pending episodes early; nothing of an active alert', async () => {
      const { db } = testDb;
      // A host down for 20 days: one failure a day here (a poll's worth each), five of them older than 14 days.
      await db.insertInto('poll_failures').values(
        [20, 19, 18, 16, 15, 13, 1].map((days) => ({ host: 'dead-1', ts: ago(days), reason: 'timeout-connect', message: 'timed out' })),
      ).execute();
      // A resolved alert of a flaky host and a firing bastion alert, each with old and recent notes.
      const resolvedAgo = (days: number) => ({ state: 'resolved' as const, endsAt: NOW - days * DAY_MS, lastEventAt: NOW - days * DAY_MS });
      await saveAlert(db, storedAlert({ key: 'host_down|flaky-1', rule: 'host_down', host: 'flaky-1', labels: {}, ...resolvedAgo(2) }));
      await saveAlert(db, storedAlert({ key: 'host_down|jump-1', rule: 'host_down', host: 'jump-1', labels: {}, state: 'firing', lastEventAt: NOW - 500 * DAY_MS }));
      // Alerts of hosts long gone: the resolved one goes, the flapping one is still watched.
      await saveAlert(db, storedAlert({ key: 'cpu_busy|gone-1', rule: 'cpu_busy', host: 'gone-1', labels: {}, ...resolvedAgo(500) }));
      await saveAlert(db, storedAlert({ key: 'cpu_busy|gone-2', rule: 'cpu_busy', host: 'gone-2', labels: {}, ...resolvedAgo(500), flapping: true }));
      const note = (alertKey: string, days: number, event: string) => ({ alertKey, at: NOW - days * DAY_MS, event, details: { days } });
      await insertAlertHistory(db, [
        note('host_down|flaky-1', 500, 'firing'), note('host_down|flaky-1', 500, 'resolved'),
        note('host_down|flaky-1', 20, 'pending'), note('host_down|flaky-1', 20, 'cleared'),
        note('host_down|flaky-1', 20, 'firing'), note('host_down|flaky-1', 20, 'resolved'),
        note('host_down|flaky-1', 2, 'pending'), note('host_down|flaky-1', 2, 'cleared'),
        note('host_down|jump-1', 500, 'pending'), note('host_down|jump-1', 500, 'firing'),
      ]);
      const notification = (days: number, status: 'pending' | 'sent' | 'failed') => ({
        receiver: 'ops', channel: 'email' as const, target: '{"to":["ops@example.test"]}', kind: 'firing', alert_keys: '[]', alerts: '[]', status, created_at: ago(days), next_attempt_at: ago(days),
      });
      await db.insertInto('notifications').values([notification(500, 'sent'), notification(500, 'failed'), notification(500, 'pending'), notification(20, 'sent')]).execute();

      // Outages: two that ended 500 days ago go; one that ended 20 days ago and one still open since 500 days stay.
      const episode = (key: string, startedDays: number, endedDays: number | null) => ({
        alert_key: key, rule: 'host_down', kind: 'host-down', host: key.split('|')[1] ?? '', labels: '{}', severity: 'critical',
        started_at: ago(startedDays), ended_at: endedDays === null ? null : ago(endedDays),
      });
      await db.insertInto('alert_episodes').values([
        episode('host_down|flaky-1', 501, 500), episode('host_down|gone-1', 502, 501), episode('host_down|flaky-1', 21, 20), episode('host_down|jump-1', 500, null),
      ]).execute();

      // Status page incidents: one resolved 500 days ago goes with its updates; one resolved 20 days ago and one open since 500 days stay.
      for (const [title, resolvedDays] of [['old', 500], ['recent', 20], ['open', null]] as const) {
        const incident = await openIncident(db, { title, impact: 'minor', status: 'investigating', message: 'm', by: 'ops', at: NOW - 501 * DAY_MS });
        if (resolvedDays !== null) await addIncidentUpdate(db, incident.id, { status: 'resolved', message: 'done', by: 'ops', at: NOW - resolvedDays * DAY_MS });
      }

      const deleted = await deleteExpiredRecords(db, { rawBefore: NOW - 14 * DAY_MS, longBefore: NOW - 400 * DAY_MS, batch: 2 });
      assert.deepEqual(deleted, { pollFailures: 5, alertHistory: 4, notifications: 2, alerts: 1, alertEpisodes: 2, statusIncidents: 1 });
      const incidents = await listIncidents(db);
      assert.deepEqual(incidents.map((i) => `${i.title} ${i.updates.length}`), ['open 1', 'recent 2'], 'same creation time: the later posted first');
      assert.equal((await db.selectFrom('status_incident_updates').select('id').execute()).length, 3, 'the old one\'s updates went with it');
      const episodes = await db.selectFrom('alert_episodes').select(['alert_key', 'ended_at']).orderBy('id').execute();
      assert.deepEqual(episodes.map((e) => `${e.alert_key} ${e.ended_at === null ? 'open' : 'ended'}`), ['host_down|flaky-1 ended', 'host_down|jump-1 open']);
      const alerts = await db.selectFrom('alerts').select('key').orderBy('key').execute();
      assert.deepEqual(alerts.map((a) => a.key), ['cpu_busy|gone-2', 'host_down|flaky-1', 'host_down|jump-1']);

      const failures = await db.selectFrom('poll_failures').select('ts').orderBy('ts').execute();
      assert.deepEqual(failures.map((f) => Math.round((NOW - new Date(f.ts).getTime()) / DAY_MS)), [13, 1]);
      const history = await db.selectFrom('alert_history').select(['alert_key', 'event', 'details']).orderBy('id').execute();
      assert.deepEqual(history.map((h) => `${h.alert_key} ${(h.details as { days: number }).days} ${h.event}`), [
        // What fired 20 days ago stays as long as the rollups; its pending episode went at 14 days.
        'host_down|flaky-1 20 firing',
        'host_down|flaky-1 20 resolved',
        'host_down|flaky-1 2 pending',
        'host_down|flaky-1 2 cleared',
        // Still firing: all of it stays, however old.
        'host_down|jump-1 500 pending',
        'host_down|jump-1 500 firing',
      ]);
      const notices = await db.selectFrom('notifications').select(['status', 'created_at']).orderBy('id').execute();
      assert.deepEqual(notices.map((n) => n.status), ['pending', 'sent'], 'one still to deliver, and a recent one');

      assert.deepEqual(await deleteExpiredRecords(db, { rawBefore: NOW - 14 * DAY_MS, longBefore: NOW - 400 * DAY_MS }), { pollFailures: 0, alertHistory: 0, notifications: 0, alerts: 0, alertEpisodes: 0, statusIncidents: 0 });
    });
  });
}
