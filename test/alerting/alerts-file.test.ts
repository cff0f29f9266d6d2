import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AlertsFileError, formatDuration, loadAlertsFile, parseAlertsFile, parseDuration } from '../../lib/alerting/alerts-file.ts';
import { DEFAULT_ALERTS } from '../../lib/alerting/default-alerts.ts';

/** The problems parsing `text` reports (it must fail with AlertsFileError). */
function problemsIn(text: string): string[] {
  try {
    parseAlertsFile(text, 'alerts.yml');
  } catch (error) {
    assert.ok(error instanceof AlertsFileError, String(error));
    return error.problems;
  }
  assert.fail('the file was accepted');
}

/** Each [line, fragment] is among the problems; `exactly`: and nothing else. */
function assertProblems(problems: string[], expected: Array<[number, string]>, exactly = false): void {
  for (const [line, fragment] of expected) {
    assert.ok(problems.some((p) => p.startsWith(`alerts.yml:${line}: `) && p.includes(fragment)), `no problem at line ${line} with "${fragment}" in:\n${problems.join('\n')}`);
  }
  if (exactly) assert.equal(problems.length, expected.length, problems.join('\n'));
}

void test('durations', () => {
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('4h'), 14_400_000);
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('2'), null);
  assert.equal(parseDuration('2 minutes'), null);
  assert.equal(formatDuration(120_000), '2m');
  assert.equal(formatDuration(5_400_000), '1h30m');
});

void test('the built-in timing: the first notice after 1 s, a storm\'s follow-up a minute later', () => {
  assert.equal(DEFAULT_ALERTS.groupWaitMs, 1_000);
  assert.equal(DEFAULT_ALERTS.groupIntervalMs, 60_000);
  assert.equal(parseAlertsFile('group_interval: 0s\n', 'a.yml').groupIntervalMs, 0, '0s turns it off');
});

void test('no file, or a missing one, gives the built-in defaults', async () => {
  assert.deepEqual(await loadAlertsFile(null), DEFAULT_ALERTS);
  assert.deepEqual(await loadAlertsFile('/nonexistent/alerts.yml'), DEFAULT_ALERTS);
});

void test('the shipped inventory/alerts.yml states exactly the built-in defaults', async () => {
  const path = new URL('../../inventory/alerts.yml', import.meta.url).pathname;
  const shipped = await loadAlertsFile(path);
  assert.deepEqual({ ...shipped, source: null }, DEFAULT_ALERTS);
});

void test('a file sets rules, receivers and timing; keys it leaves out keep their defaults', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-alerts-'));
  try {
    const path = join(dir, 'alerts.yml');
    await writeFile(path, [
      'rules:',
      '  - name: disk',
      '    kind: threshold',
      '    metric: filesystems.usedPct',
      '    levels: { warning: 70, critical: 90 }',
      '    recover_at: 65',
      '    for: 1m30s',
      '    receivers: [ops]',
      '    items:',
      "      /scratch: { levels: { critical: null } }",
      '      /boot: false',
      '  - { name: cpu_odd, kind: anomaly, metric: cpuBusyPct, k: 4, window: 12h }',
      'receivers:',
      '  - name: ops',
      '    email: ops@example.com',
      '    webhooks: [{ url: "http://127.0.0.1:9/hook", format: slack }]',
      'default_receivers: [ops]',
      'repeat_interval: 2h',
      'group_interval: 5m',
    ].join('\n'));
    const config = await loadAlertsFile(path);
    assert.equal(config.source, path);
    assert.deepEqual(config.rules, [
      {
        name: 'disk', kind: 'threshold', metric: 'filesystems.usedPct', levels: { warning: 70, critical: 90 }, recoverAt: 65, forMs: 90_000,
        receivers: ['ops'], items: { '/scratch': { levels: { critical: null } }, '/boot': { enabled: false } },
      },
      { name: 'cpu_odd', kind: 'anomaly', metric: 'cpuBusyPct', k: 4, windowMs: 43_200_000 },
    ]);
    assert.deepEqual(config.receivers, [{ name: 'ops', email: ['ops@example.com'], webhooks: [{ url: 'http://127.0.0.1:9/hook', format: 'slack' }] }]);
    assert.deepEqual(config.defaultReceivers, ['ops']);
    assert.equal(config.repeatIntervalMs, 7_200_000);
    assert.equal(config.groupWaitMs, DEFAULT_ALERTS.groupWaitMs);
    assert.equal(config.groupIntervalMs, 300_000);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('every problem is reported at once, each with file:line', () => {
  const text = [
    'rules:', //                                   1
    '  - name: cpu', //                            2
    '    kind: threshold', //                      3
    '    metric: cpuBusyPct', //                   4
    '    levels: { warning: high }', //            5
    '    recovr_at: 70', //                        6
    '    for: 2 minutes', //                       7
    '  - name: odd', //                            8
    '    kind: sometimes', //                      9
    '  - name: nolevels', //                       10
    '    kind: threshold', //                      11
    '    metric: memUsedPct', //                   12
    '    receivers: [nobody]', //                  13
    'group_wait: soon', //                         14
    'colour: blue', //                             15
    'group_interval: [1m]', //                     16
  ].join('\n');
  const problems = problemsIn(text);
  assertProblems(problems, [
    [5, 'levels.warning must be a number'],
    [6, "unknown key 'recovr_at'"],
    [7, 'for must be a duration'],
    [9, "kind 'sometimes'"],
    [10, 'needs at least one level'],
    [14, 'group_wait must be a duration'],
    [15, "unknown key 'colour'"],
    [16, 'group_interval must be a duration'],
  ]);
  assert.ok(problems.some((p) => p.includes("no receiver is named 'nobody'")));
});

void test('chat and paging webhooks: telegram needs chat_id, pagerduty routing_key (its url defaults to the Events API), ntfy a topic in its url', () => {
  const config = parseAlertsFile([
    'receivers:',
    '  - name: oncall',
    '    webhooks:',
    '      - { format: pagerduty, routing_key: " R0UT1NG " }',
    '      - { url: "https://api.telegram.org/bot1:T/sendMessage", format: telegram, chat_id: -1001234567890 }',
    '      - { url: "https://ntfy.sh/vigil-ops", format: ntfy }',
    '      - { url: "https://discord.com/api/webhooks/1/t", format: discord }',
    '      - { url: "https://prod.workflows.test/x", format: msteams }',
    '      - { url: "https://ntfy.example/ops", format: ntfy, headers: { Authorization: "Bearer tk_1" } }',
    '      - { url: "https://gotify.example/message?token=A", format: gotify }',
    '      - { format: pushover, token: aTok, user_key: uKey }',
  ].join('\n'), 'alerts.yml');
  assert.deepEqual(config.receivers[0]?.webhooks, [
    { url: 'https://events.pagerduty.com/v2/enqueue', format: 'pagerduty', routingKey: 'R0UT1NG' },
    { url: 'https://api.telegram.org/bot1:T/sendMessage', format: 'telegram', chatId: '-1001234567890' },
    { url: 'https://ntfy.sh/vigil-ops', format: 'ntfy' },
    { url: 'https://discord.com/api/webhooks/1/t', format: 'discord' },
    { url: 'https://prod.workflows.test/x', format: 'msteams' },
    { url: 'https://ntfy.example/ops', format: 'ntfy', headers: { Authorization: 'Bearer tk_1' } },
    { url: 'https://gotify.example/message?token=A', format: 'gotify' },
    { url: 'https://api.pushover.net/1/messages.json', format: 'pushover', token: 'aTok', userKey: 'uKey' },
  ]);
  const problems = problemsIn([
    'receivers:', //                                                              1
    '  - name: oncall', //                                                        2
    '    webhooks:', //                                                           3
    '      - { format: pagerduty }', //                                           4
    '      - { url: "https://t.test/bot/sendMessage", format: telegram }', //      5
    '      - { url: "https://ntfy.sh/", format: ntfy }', //                        6
    '      - { url: "https://x.test/h", format: slack, chat_id: 5 }', //           7
    '      - { url: "https://x.test/h", format: teams }', //                       8
    '      - { url: "https://x.test/h", format: telegram, chat_id: "" }', //       9
    '      - { url: "https://x.test/h", headers: { "bad name": x } }', //           10
    '      - { url: "https://x.test/h", headers: { Content-Type: text/plain } }', // 11
    '      - { url: "https://x.test/h", headers: [Authorization] }', //            12
    '      - { url: "https://x.test/h", headers: { X-Key: "a\\r\\nInjected: 1" } }', // 13
    '      - { format: pushover, token: aTok }', //                                 14
  ].join('\n'));
  assertProblems(problems, [
    [4, 'format pagerduty needs routing_key'],
    [5, 'format telegram needs chat_id'],
    [6, 'an ntfy url names its topic, as https://ntfy.sh/mytopic'],
    [7, 'chat_id is for format telegram only'],
    [8, "format must be one of json, slack, alertmanager, discord, msteams, telegram, ntfy, gotify, pushover, pagerduty, opsgenie, googlechat, webex, not 'teams'"],
    [9, 'chat_id must be a non-empty string'],
    [10, '"bad name" is not a header name'],
    [11, 'Content-Type is set by Vigil'],
    [12, 'headers must be a mapping of header names to values'],
    [13, 'X-Key must be one line'],
    [14, 'format pushover needs user_key'],
  ], true);
});

void test('opsgenie needs api_key (its url defaults to the US Alert API), webex token and room_id (its url defaults to Webex\'s messages), googlechat only its url', () => {
  const config = parseAlertsFile([
    'receivers:',
    '  - name: oncall',
    '    webhooks:',
    '      - { format: opsgenie, api_key: " 0psK3y " }',
    '      - { url: "https://api.eu.opsgenie.com/v2/alerts", format: opsgenie, api_key: EuK3y, headers: { X-Team: ops } }',
    '      - { url: "https://chat.googleapis.com/v1/spaces/AAA/messages?key=K&token=T", format: googlechat }',
    '      - { format: webex, token: b0tT0k, room_id: Y2lzY29zcGFyazovL3Jvb20 }',
  ].join('\n'), 'alerts.yml');
  assert.deepEqual(config.receivers[0]?.webhooks, [
    { url: 'https://api.opsgenie.com/v2/alerts', format: 'opsgenie', apiKey: '0psK3y' },
    { url: 'https://api.eu.opsgenie.com/v2/alerts', format: 'opsgenie', apiKey: 'EuK3y', headers: { 'X-Team': 'ops' } },
    { url: 'https://chat.googleapis.com/v1/spaces/AAA/messages?key=K&token=T', format: 'googlechat' },
    { url: 'https://webexapis.com/v1/messages', format: 'webex', token: 'b0tT0k', roomId: 'Y2lzY29zcGFyazovL3Jvb20' },
  ]);
  const problems = problemsIn([
    'receivers:', //                                                                          1
    '  - name: oncall', //                                                                    2
    '    webhooks:', //                                                                       3
    '      - { format: opsgenie }', //                                                        4
    '      - { format: webex, token: t }', //                                                 5
    '      - { format: webex, room_id: r }', //                                               6
    '      - { url: "https://x.test/h", format: slack, token: t }', //                        7
    '      - { url: "https://x.test/h", format: googlechat, api_key: k, room_id: r }', //     8
    '      - { format: googlechat }', //                                                      9
    '      - { format: opsgenie, api_key: k, headers: { authorization: "GenieKey x" } }', //  10
    '      - { format: webex, token: t, room_id: r, headers: { Authorization: "Bearer x" } }', // 11
    '      - { format: opsgenie, api_key: "" }', //                                           12
  ].join('\n'));
  assertProblems(problems, [
    [4, 'format opsgenie needs api_key'],
    [5, 'format webex needs room_id'],
    [6, 'format webex needs token'],
    [7, 'token is for format pushover or webex only'],
    [8, 'api_key is for format opsgenie only'],
    [8, 'room_id is for format webex only'],
    [9, 'url is required'],
    [10, 'headers: authorization is made from api_key for format opsgenie'],
    [11, 'headers: Authorization is made from token for format webex'],
    [12, 'api_key must be a non-empty string'],
  ], true);
});

void test('YAML syntax errors and duplicate keys carry their line', () => {
  assert.throws(() => parseAlertsFile('rules:\n  - name: a\n    name: b\n', 'f.yml'), /f\.yml:3: /);
  assert.throws(() => parseAlertsFile('rules: [\n', 'f.yml'), /f\.yml:\d+: /);
});

void test('an empty file is the defaults', () => {
  assert.deepEqual({ ...parseAlertsFile('# nothing yet\n', 'x.yml'), source: null }, DEFAULT_ALERTS);
});

void test('routes by inventory group, rule and severity; each line of a bad one is reported', () => {
  const receivers = [
    'receivers:',
    '  - { name: ops, email: ops@example.com }',
    '  - { name: dba, email: [dba@example.com] }',
    '  - { name: pager, webhooks: [{ url: "http://127.0.0.1:9/page" }] }',
    'default_receivers: [ops]',
  ];
  const good = parseAlertsFile([
    ...receivers,
    'routes:',
    '  - groups: [dbservers]',
    '    severity: critical',
    '    receivers: [pager]',
    '    continue: true',
    '  - { groups: [dbservers, replicas], rules: [memory_used, filesystem_used], receivers: [dba] }',
    '  - { severity: [warning, critical], receivers: [ops] }',
  ].join('\n'), 'alerts.yml');
  assert.deepEqual(good.routes, [
    { groups: ['dbservers'], severities: ['critical'], receivers: ['pager'], continue: true },
    { groups: ['dbservers', 'replicas'], rules: ['memory_used', 'filesystem_used'], receivers: ['dba'], continue: false },
    { severities: ['warning', 'critical'], receivers: ['ops'], continue: false },
  ]);

  const text = [
    ...receivers, //                                                  1-5
    'routes:', //                                                     6
    '  - groups: [dbservers]', //                                     7
    '    receivers: [dba, dbas]', //                                  8
    '    contine: true', //                                           9
    '  - groups: [web]', //                                           10
    '    rules: [cpu_busy, cpu_bussy]', //                            11
    '    severity: urgent', //                                        12
    '    receivers: [ops]', //                                        13
    '    continue: maybe', //                                         14
    '  - receivers: [ops]', //                                        15
    '  - groups: [lab]', //                                           16
    '  - { groups: [], receivers: [ops] }', //                        17
  ].join('\n');
  const problems = problemsIn(text);
  assertProblems(problems, [
    [8, "routes[0]: no receiver is named 'dbas'"],
    [9, "routes[0]: unknown key 'contine'"],
    [11, "routes[1]: no rule is named 'cpu_bussy'"],
    [12, "routes[1]: severity must be one of info, warning, critical, not 'urgent'"],
    [14, 'routes[1]: continue must be true or false'],
    [15, 'routes[2]: a route needs groups, rules or severity'],
    [16, 'routes[3]: receivers must list at least one receiver'],
    [17, 'routes[4]: groups is empty, so the route never matches'],
  ], true);
});

void test('escalate on routes and default_escalate: steps later one after the other, each with receivers the file defines', () => {
  const receivers = [
    'receivers:',
    '  - { name: ops, email: ops@example.com }',
    '  - { name: lead, email: lead@example.com }',
    '  - { name: cto, email: cto@example.com }',
    'default_receivers: [ops]',
  ];
  const good = parseAlertsFile([
    ...receivers,
    'default_escalate: [{ after: 30m, receivers: [lead] }, { after: 2h, receivers: [lead, cto] }]',
    'routes:',
    '  - groups: [dbservers]',
    '    receivers: [ops]',
    '    escalate:',
    '      - { after: 15m, receivers: [cto] }',
  ].join('\n'), 'alerts.yml');
  assert.deepEqual(good.defaultEscalate, [{ afterMs: 1_800_000, receivers: ['lead'] }, { afterMs: 7_200_000, receivers: ['lead', 'cto'] }]);
  assert.deepEqual(good.routes[0]?.escalate, [{ afterMs: 900_000, receivers: ['cto'] }]);
  // A rule with its own receivers has its own escalation; without receivers it may not.
  const rules = parseAlertsFile([
    ...receivers,
    'rules:',
    '  - { name: key, kind: host-key-changed, receivers: [ops], escalate: [{ after: 10m, receivers: [cto] }] }',
  ].join('\n'), 'alerts.yml');
  assert.deepEqual(rules.rules[0]?.escalate, [{ afterMs: 600_000, receivers: ['cto'] }]);
  assertProblems(problemsIn([...receivers, 'rules:', '  - { name: key, kind: host-key-changed, escalate: [{ after: 10m, receivers: [cto] }] }'].join('\n')), [
    [7, "rule 'key': escalate needs the rule's own receivers (else its routes' escalate applies)"],
  ], true);
  // Without the keys: no escalation.
  assert.deepEqual(parseAlertsFile(receivers.join('\n'), 'alerts.yml').defaultEscalate, []);

  const text = [
    ...receivers, //                                                  1-5
    'default_escalate:', //                                           6
    '  - { after: 1h, receivers: [lead] }', //                        7
    '  - { after: 30m, receivers: [cto] }', //                        8
    'routes:', //                                                     9
    '  - groups: [db]', //                                            10
    '    receivers: [ops]', //                                        11
    '    escalate:', //                                               12
    '      - { receivers: [lead] }', //                               13
    '      - { after: 0, receivers: [cto] }', //                      14
    '      - { after: 1h, receivers: [boss] }', //                    15
    '      - { after: 2h, receivers: [] }', //                        16
    '      - { after: soon, receivers: [cto], to: [x] }', //          17
  ].join('\n');
  assertProblems(problemsIn(text), [
    [8, 'default_escalate[1]: after must be later than the step before it'],
    [13, 'routes[0]: escalate[0]: after is required, a duration like 30m since the alert started firing'],
    [14, 'routes[0]: escalate[1]: after must be more than 0 (who must hear at once belongs in receivers)'],
    [15, "routes[0]: escalate[2]: no receiver is named 'boss'"],
    [16, 'routes[0]: escalate[3]: receivers must list at least one receiver'],
    [17, "routes[0]: escalate[4]: unknown key 'to'"],
    [17, 'routes[0]: escalate[4]: after must be a duration'],
  ], true);
});

void test('an unknown receiver is reported on the line that names it, in rules and default_receivers too', () => {
  const text = [
    'rules:', //                                                      1
    '  - name: cpu', //                                               2
    '    kind: threshold', //                                         3
    '    metric: cpuBusyPct', //                                      4
    '    levels: { warning: 80 }', //                                 5
    '    receivers:', //                                              6
    '      - ops', //                                                 7
    '      - secops', //                                              8
    'receivers: [{ name: ops, email: ops@example.com }]', //          9
    'default_receivers: [ops, oncall]', //                            10
  ].join('\n');
  assert.throws(() => parseAlertsFile(text, 'alerts.yml'), (error: unknown) => {
    assert.ok(error instanceof AlertsFileError);
    assert.deepEqual(error.problems, [
      "alerts.yml:8: rule 'cpu': no receiver is named 'secops'",
      "alerts.yml:10: default_receivers: no receiver is named 'oncall'",
    ]);
    return true;
  });
});

void test('inhibit_rules: read as written, derived from the file\'s host-down rules when left out, off with []', () => {
  const good = parseAlertsFile([
    'inhibit_rules:',
    '  - source: { rules: [host_down] }',
    '  - source: { rules: [filesystem_used], severity: critical }',
    '    target: { rules: [filesystem_full_soon] }',
    '    equal: [mountpoint]',
  ].join('\n'), 'alerts.yml');
  assert.deepEqual(good.inhibitRules, [
    { source: { rules: ['host_down'] }, equal: [] },
    { source: { rules: ['filesystem_used'], severities: ['critical'] }, target: { rules: ['filesystem_full_soon'] }, equal: ['mountpoint'] },
  ]);
  assert.deepEqual(parseAlertsFile('inhibit_rules: []', 'alerts.yml').inhibitRules, []);
  // A file with its own rules and no inhibit_rules: its host-down rule, whatever its name, is the source.
  const own = parseAlertsFile(['rules:', '  - { name: down, kind: host-down }', '  - { name: web, kind: check-failing }'].join('\n'), 'alerts.yml');
  assert.deepEqual(own.inhibitRules, [{ source: { rules: ['down'] }, equal: [] }]);
  assert.deepEqual(parseAlertsFile(['rules:', '  - { name: web, kind: check-failing }'].join('\n'), 'alerts.yml').inhibitRules, []);

  const text = [
    'inhibit_rules:', //                                              1
    '  - source: { rules: [host_dwn] }', //                           2
    '  - target: { rules: [check_failing] }', //                      3
    '  - source: { severity: urgent }', //                            4
    '  - source: { rules: [] }', //                                   5
    '  - source: {}', //                                              6
    '  - { source: { rules: [host_down] }, equals: [id] }', //        7
  ].join('\n');
  const problems = problemsIn(text);
  assertProblems(problems, [
    [2, "inhibit_rules[0]: source: no rule is named 'host_dwn'"],
    [3, 'inhibit_rules[1]: source is required'],
    [4, "inhibit_rules[2]: source: severity must be one of info, warning, critical, not 'urgent'"],
    [5, 'inhibit_rules[3]: source: rules is empty, so it never matches'],
    [6, 'inhibit_rules[4]: source: needs rules or severity to match'],
    [7, "inhibit_rules[5]: unknown key 'equals'"],
  ], true);
});
