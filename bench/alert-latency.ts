// Alert latency (`npm run bench:alert`): from the sample that breaches a CPU level to the alert
// mail's arrival at a real SMTP server, through the whole pipeline as `vigil up` wires it
// (simulated SSH hosts polled every second, worker, writer, evaluator, alerter, PostgreSQL,
// in-process bus), over several runs per case, with and without a `for`.
//
// The bare reference is what the alerts file asks for: an alert may not be mailed before its
// `for` has passed and its group window (group_wait) has closed, so `for` + group_wait is the
// floor; with `for` the firing sample also comes up to one poll interval after it. Beside it, a
// bare SMTP delivery (nodemailer straight to the same server) measured in the same run.
//
// Each run raises one idle host's CPU and waits for its mail; the time runs from the breaching
// sample's timestamp (the worker's clock when that poll's output arrived; it is the alert's
// starts_at) to the moment the SMTP server had received the message. Every host has a receiver of
// its own, so each run is a first notice, which group_interval never holds back.
//
// The storm case raises the CPU of --storm-hosts hosts of one receiver one after another over
// --storm-spread (as a failed switch shows: polls are spread over the hosts' interval), with the
// shipped group_wait and group_interval and no `for`: how many mails, when the first came, and
// how long the rest waited for the follow-up.
//   node --import tsx bench/alert-latency.ts --runs 7 --for 0s,5s --group-wait 0s,1s --group-interval 1m --storm-hosts 10 --storm-spread 5s
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { formatDuration, parseDuration } from '../lib/alerting/alerts-file.ts';
import { DEFAULT_ALERTS } from '../lib/alerting/default-alerts.ts';
import { createMailSender } from '../lib/alerting/notify/mail-sender.ts';
import { startAlertPipeline, type AlertPipeline } from '../test/support/alert-pipeline.ts';
import { waitFor } from '../test/support/wait-for.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    for: { type: 'string', default: '0s,5s' },
    'group-wait': { type: 'string', default: '0s,1s' },
    'group-interval': { type: 'string', default: formatDuration(DEFAULT_ALERTS.groupIntervalMs) },
    'storm-hosts': { type: 'string', default: '10' },
    'storm-spread': { type: 'string', default: '5s' },
    'bare-sends': { type: 'string', default: '7' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write('usage: alert-latency.ts [--runs 7] [--for 0s,5s] [--group-wait 0s,1s] [--group-interval 1m] [--storm-hosts 10 (0: none)] [--storm-spread 5s] [--bare-sends 7]\n');
  process.exit(0);
}

const runs = wholeNumber('--runs', values.runs);
const bareSends = wholeNumber('--bare-sends', values['bare-sends']);
const fors = durations('--for', values.for);
const groupWaits = durations('--group-wait', values['group-wait']);
const groupInterval = durations('--group-interval', values['group-interval']);
if (groupInterval.length !== 1) throw new Error(`--group-interval takes one duration, not ${JSON.stringify(values['group-interval'])}`);
const groupIntervalText = groupInterval[0]!.text;
const stormHosts = values['storm-hosts'] === '0' ? 0 : wholeNumber('--storm-hosts', values['storm-hosts']);
const stormSpread = durations('--storm-spread', values['storm-spread']);
if (stormSpread.length !== 1) throw new Error(`--storm-spread takes one duration, not ${JSON.stringify(values['storm-spread'])}`);
const stormSpreadMs = stormSpread[0]!.ms;
const SHIPPED = { groupWait: formatDuration(DEFAULT_ALERTS.groupWaitMs), groupInterval: formatDuration(DEFAULT_ALERTS.groupIntervalMs) };

function wholeNumber(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a whole number of at least 1, not ${JSON.stringify(text)}`);
  return n;
}

function durations(flag: string, text: string): Array<{ text: string; ms: number }> {
  return text.split(',').map((part) => {
    const ms = parseDuration(part);
    if (ms === null) throw new Error(`${flag}: ${JSON.stringify(part)} is not a duration like 0s, 500ms or 5s`);
    return { text: part.trim(), ms };
  });
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const max = (xs: number[]): number => Math.max(...xs);
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

/** nodemailer to the sink, with nothing of Vigil in between: the transport's own cost. */
async function bareSmtp(pipeline: AlertPipeline): Promise<number[]> {
  const sender = createMailSender({ smtpUrl: pipeline.smtp.url, from: 'bench@monitor.test' });
  const times: number[] = [];
  try {
    for (let i = 0; i < bareSends; i++) {
      const subject = `bare ${i} ${Date.now()}`;
      const sent = Date.now();
      await sender.send(['bare@example.test'], { subject, text: 'bare', html: '<p>bare</p>' });
      const mail = await waitFor('the bare mail', 10_000, () => pipeline.smtp.mails.find((m) => m.subject === subject), 2);
      times.push(mail.receivedAt - sent);
    }
  } finally {
    sender.close();
  }
  return times;
}

interface CaseResult {
  forMs: number;
  groupWaitMs: number;
  forText: string;
  groupWaitText: string;
  /** Breaching sample → mail received. */
  fromBreach: number[];
  /** The sample that made it fire → mail received. */
  fromFiring: number[];
  bare: number[];
  loadBefore: string;
  loadAfter: string;
}

async function measureCase(forText: string, forMs: number, groupWaitText: string, groupWaitMs: number): Promise<CaseResult> {
  const own = Array.from({ length: runs }, (_, i) => i);
  const pipeline = await startAlertPipeline({
    hosts: runs,
    for: forText,
    groupWait: groupWaitText,
    groupInterval: groupIntervalText,
    groups: Object.fromEntries(own.map((i) => [i, `run${i}`])),
    receivers: Object.fromEntries(own.map((i) => [`run${i}`, `run${i}@example.test`])),
    routes: own.map((i) => `{ groups: [run${i}], receivers: [run${i}] }`),
  });
  try {
    await pipeline.waitForCpuFigures(120_000);
    const loadBefore = load();
    const bare = await bareSmtp(pipeline);
    const fromBreach: number[] = [];
    const fromFiring: number[] = [];
    for (const host of pipeline.hosts) {
      pipeline.setBusy(host, true);
      const mail = await waitFor(`the mail about ${host}`, 60_000 + forMs + groupWaitMs, () => pipeline.smtp.mails.find((m) => m.subject.includes(`${host}:`)), 2);
      const alert = await pipeline.cpuAlert(host);
      if (!alert || alert.state !== 'firing') throw new Error(`${host}: a mail arrived but the alert is ${alert?.state ?? 'not stored'}`);
      fromBreach.push(mail.receivedAt - alert.startsAt);
      fromFiring.push(mail.receivedAt - alert.lastEventAt);
      process.stderr.write(`for ${forText} group_wait ${groupWaitText} ${host}: breach → mail ${mail.receivedAt - alert.startsAt} ms, firing sample → mail ${mail.receivedAt - alert.lastEventAt} ms\n`);
    }
    return { forMs, groupWaitMs, forText, groupWaitText, fromBreach, fromFiring, bare, loadBefore, loadAfter: load() };
  } finally {
    await pipeline.close();
  }
}

interface StormResult {
  hosts: number;
  /** Hosts named by each mail, in the order the mails came. */
  perMail: number[];
  /** Earliest breaching sample → first mail; first mail → second mail. */
  firstMail: number;
  betweenMails: number | null;
  /** Each host's breaching sample → the mail that named it. */
  fromBreach: number[];
  loadBefore: string;
  loadAfter: string;
}

async function measureStorm(hostCount: number): Promise<StormResult> {
  const pipeline = await startAlertPipeline({ hosts: hostCount, for: '0s', groupWait: SHIPPED.groupWait, groupInterval: SHIPPED.groupInterval });
  try {
    await pipeline.waitForCpuFigures(120_000);
    const loadBefore = load();
    const names = (mail: { text: string }, host: string): boolean => mail.text.includes(`WARNING ${host}: cpu_busy`);
    const raisedAt = Date.now();
    for (const [i, host] of pipeline.hosts.entries()) {
      const at = raisedAt + (hostCount > 1 ? (i * stormSpreadMs) / (hostCount - 1) : 0);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
      pipeline.setBusy(host, true);
    }
    await waitFor('mails naming every host', 120_000 + DEFAULT_ALERTS.groupWaitMs + DEFAULT_ALERTS.groupIntervalMs, () =>
      (pipeline.hosts.every((host) => pipeline.smtp.mails.some((mail) => names(mail, host))) ? true : undefined), 20);
    // Every host has been told; with nothing left in the outbox no further mail can come.
    await waitFor('an empty outbox', 30_000, async () => {
      const left = await pipeline.database.db.selectFrom('notifications').select('id').where('status', 'in', ['pending', 'sending']).execute();
      return left.length === 0 ? true : undefined;
    });
    const mails = [...pipeline.smtp.mails].sort((a, b) => a.receivedAt - b.receivedAt);
    const breaches = new Map<string, number>();
    for (const host of pipeline.hosts) {
      const alert = await pipeline.cpuAlert(host);
      if (!alert || alert.state !== 'firing') throw new Error(`${host}: told, but the alert is ${alert?.state ?? 'not stored'}`);
      breaches.set(host, alert.startsAt);
    }
    const fromBreach = pipeline.hosts.map((host) => mails.find((mail) => names(mail, host))!.receivedAt - breaches.get(host)!);
    const first = mails[0]!;
    const second = mails[1];
    process.stderr.write(`storm of ${hostCount}: ${mails.length} mails naming ${mails.map((m) => pipeline.hosts.filter((h) => names(m, h)).length).join(' + ')} hosts\n`);
    return {
      hosts: hostCount,
      perMail: mails.map((mail) => pipeline.hosts.filter((host) => names(mail, host)).length),
      firstMail: first.receivedAt - Math.min(...breaches.values()),
      betweenMails: second ? second.receivedAt - first.receivedAt : null,
      fromBreach,
      loadBefore,
      loadAfter: load(),
    };
  } finally {
    await pipeline.close();
  }
}

const results: CaseResult[] = [];
for (const f of fors) {
  for (const g of groupWaits) results.push(await measureCase(f.text, f.ms, g.text, g.ms));
}
const storm = stormHosts > 0 ? await measureStorm(stormHosts) : null;

const ms = (x: number): string => `${Math.round(x)}`;
process.stdout.write(`\nalert latency, ${runs} runs per case, hosts polled every 1 s, group_interval ${groupIntervalText}, each run a first notice; times in ms\n\n`);
process.stdout.write('| for | group_wait | floor (for + group_wait) | breaching sample → mail: median / max | median − floor | median ÷ floor | firing sample → mail: median / max | bare SMTP delivery: median / max | load average before → after |\n');
process.stdout.write('|---|---|---|---|---|---|---|---|---|\n');
for (const r of results) {
  const floor = r.forMs + r.groupWaitMs;
  const med = median(r.fromBreach);
  process.stdout.write(
    `| ${r.forText} | ${r.groupWaitText} | ${floor} | ${ms(med)} / ${ms(max(r.fromBreach))} | ${ms(med - floor)} | ${floor > 0 ? (med / floor).toFixed(2) : 'n/a (floor 0)'} `
    + `| ${ms(median(r.fromFiring))} / ${ms(max(r.fromFiring))} | ${ms(median(r.bare))} / ${ms(max(r.bare))} | ${r.loadBefore} → ${r.loadAfter} |\n`,
  );
}
process.stdout.write(`\nall runs (breaching sample → mail): ${results.map((r) => `for ${r.forText}/gw ${r.groupWaitText}: ${r.fromBreach.join(', ')}`).join('; ')}\n`);
if (storm) {
  process.stdout.write(`\nstorm: ${storm.hosts} hosts of one receiver raised one after another over ${stormSpread[0]!.text}, for 0s, shipped group_wait ${SHIPPED.groupWait} and group_interval ${SHIPPED.groupInterval}; times in ms\n\n`);
  process.stdout.write('| hosts | mails | hosts per mail | earliest breach → first mail | first mail → second mail | breach → its mail: median / max | load average before → after |\n');
  process.stdout.write('|---|---|---|---|---|---|---|\n');
  process.stdout.write(
    `| ${storm.hosts} | ${storm.perMail.length} | ${storm.perMail.join(' + ')} | ${ms(storm.firstMail)} | ${storm.betweenMails === null ? 'n/a (one mail)' : ms(storm.betweenMails)} `
    + `| ${ms(median(storm.fromBreach))} / ${ms(max(storm.fromBreach))} | ${storm.loadBefore} → ${storm.loadAfter} |\n`,
  );
  process.stdout.write(`\nstorm, breaching sample → its mail: ${storm.fromBreach.join(', ')}\n`);
}
// The pipeline's services are stopped, but a lingering keep-alive socket must not hold the benchmark open.
process.exit(0);
