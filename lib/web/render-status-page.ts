// The public status page as HTML: no script, styles from /status.css (the server's content
// security policy allows no inline style), refreshed by the browser every minute. Every text
// comes from the inventory or the alerts and is escaped; nothing is built into markup raw.
import { escapeHtml } from '../escape-html.ts';
import { INCIDENT_IMPACT_TEXT, INCIDENT_STATUS_TEXT, utcMinuteText, type PublicIncident } from './status-incidents.ts';
import type { ApiStatusMaintenance, ApiStatusPage, ApiStatusSubject } from './status-page.ts';

const OVERALL_TEXT: Record<ApiStatusPage['overall'], string> = {
  operational: 'All systems operational',
  degraded: 'Some systems are down',
  outage: 'All systems are down',
};

const STATE_TEXT: Record<ApiStatusSubject['state'], string> = { up: 'Up', down: 'Down', maintenance: 'Maintenance', unknown: 'Unknown' };
/** What a visitor may wonder at; nothing of how the host is reached (a bastion's name stays internal). */
const STATE_HINT: Partial<Record<ApiStatusSubject['state'], string>> = { unknown: 'Cannot be checked right now; this time is not counted.' };


function pctText(pct: number | null): string {
  return pct === null ? 'no data' : `${pct} %`;
}

/** The bar's shade: full day up, a little down, more down, nothing counted. */
function barLevel(pct: number | null): string {
  if (pct === null) return 'none';
  if (pct >= 100) return 'full';
  if (pct >= 99) return 'high';
  return 'low';
}

function renderSubject(subject: ApiStatusSubject, days: readonly string[]): string {
  const bars = subject.daily
    .map((pct, i) => `<span class="bar bar-${barLevel(pct)}" title="${escapeHtml(`${days[i] ?? ''}: ${pctText(pct)}`)}"></span>`)
    .join('');
  const hint = STATE_HINT[subject.state];
  const label = subject.kind === 'check' ? `<span class="of-host">${escapeHtml(subject.host)} ·</span> ${escapeHtml(subject.name)}` : escapeHtml(subject.name);
  return `<li class="subject ${subject.kind}">
<div class="line"><span class="name">${label}</span><span class="pct">${escapeHtml(pctText(subject.availabilityPct))}</span><span class="state state-${subject.state}"${hint === undefined ? '' : ` title="${escapeHtml(hint)}"`}>${STATE_TEXT[subject.state]}</span></div>
<div class="bars" aria-label="${escapeHtml(`availability per day, ${days[0] ?? ''} to ${days[days.length - 1] ?? ''}`)}">${bars}</div>
</li>`;
}


function renderUpdates(incident: PublicIncident): string {
  const updates = incident.updates
    .map((u) => `<li><span class="update-status">${INCIDENT_STATUS_TEXT[u.status]}</span> <time datetime="${escapeHtml(u.at)}">${escapeHtml(utcMinuteText(u.at))}</time><p class="message">${escapeHtml(u.message)}</p></li>`)
    .join('\n');
  return `<ol class="updates">\n${updates}\n</ol>`;
}

function renderAffects(incident: PublicIncident): string {
  return incident.groups.length === 0 ? '' : `<p class="affects">Affects: ${escapeHtml(incident.groups.join(', '))}</p>\n`;
}

function renderOpenIncident(incident: PublicIncident): string {
  return `<article class="incident impact-${incident.impact}">
<h3><span class="incident-title">${escapeHtml(incident.title)}</span> <span class="impact">${INCIDENT_IMPACT_TEXT[incident.impact]} · ${INCIDENT_STATUS_TEXT[incident.status]}</span></h3>
${renderAffects(incident)}${renderUpdates(incident)}
</article>`;
}

/** Open incidents first, above the sections; resolved ones (the last 14 days) at the bottom, folded. */
function renderIncidents(incidents: readonly PublicIncident[]): { open: string; past: string } {
  const open = incidents.filter((i) => i.resolvedAt === null);
  const past = incidents.filter((i) => i.resolvedAt !== null);
  return {
    open: open.length === 0 ? '' : `<section class="incidents">\n${open.map(renderOpenIncident).join('\n')}\n</section>`,
    past: past.length === 0 ? '' : `<section class="past-incidents">
<h2>Past incidents</h2>
${past.map((i) => `<details class="impact-${i.impact}"><summary><span class="incident-title">${escapeHtml(i.title)}</span> <span class="resolved-at">${INCIDENT_IMPACT_TEXT[i.impact]} · resolved ${escapeHtml(utcMinuteText(i.resolvedAt ?? ''))}</span></summary>\n${renderAffects(i)}${renderUpdates(i)}\n</details>`).join('\n')}
</section>`,
  };
}

function maintenanceWhen(window: ApiStatusMaintenance, at: string): string {
  if (window.startsAt <= at) return `Under way, until ${utcMinuteText(window.endsAt)}`;
  const start = utcMinuteText(window.startsAt);
  const end = utcMinuteText(window.endsAt);
  // The end's date only when it is another day.
  return `${start.slice(0, 16)} – ${end.slice(0, 10) === start.slice(0, 10) ? end.slice(11) : end}`;
}

function renderMaintenance(page: ApiStatusPage): string {
  if (page.maintenance.length === 0) return '';
  const items = page.maintenance
    .map((w) => `<li><span class="when">${escapeHtml(maintenanceWhen(w, page.at))}</span> <span class="hosts">${escapeHtml(w.hosts.join(', '))}</span></li>`)
    .join('\n');
  return `<section class="maintenance">
<h2>Scheduled maintenance</h2>
<ul class="windows">
${items}
</ul>
</section>`;
}

export function renderStatusPage(page: ApiStatusPage): string {
  const incidents = renderIncidents(page.incidents);
  const sections = page.sections
    .map((section) => `<section>
<h2>${escapeHtml(section.group)}</h2>
${section.subjects.length === 0 ? '<p class="empty">Nothing monitored in this group.</p>' : `<ul>
${section.subjects.map((s) => renderSubject(s, page.days)).join('\n')}
</ul>`}
</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="60">
<title>${escapeHtml(page.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/status.css">
<link rel="alternate" type="application/atom+xml" title="${escapeHtml(page.title)}: incidents" href="/status/feed.atom">
</head>
<body>
<main>
<h1>${escapeHtml(page.title)}</h1>
<p class="overall overall-${page.overall}">${OVERALL_TEXT[page.overall]}</p>
${incidents.open}
${renderMaintenance(page)}
${sections}
${incidents.past}
<footer>Availability over the last ${page.days.length} days, a bar a day (UTC); time in maintenance windows is not counted. Updated ${escapeHtml(page.at.replace('T', ' ').slice(0, 19))} UTC. <a href="/status/feed.atom">Incidents feed (Atom)</a></footer>
</main>
</body>
</html>
`;
}

export const STATUS_PAGE_CSS = `
:root { color-scheme: light dark; --up: #2e9e5b; --high: #9ccc65; --low: #e65a45; --none: #c9ced6; --fg: #1d2330; --muted: #667085; --bg: #f6f7f9; --panel: #fff; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8ec; --muted: #9aa3b2; --bg: #14171c; --panel: #1c2027; --none: #3a404b; } }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
.overall { padding: 0.8rem 1rem; border-radius: 6px; color: #fff; font-weight: 600; }
.overall-operational { background: var(--up); }
.overall-degraded { background: #d98b1a; }
.overall-outage { background: var(--low); }
ul { list-style: none; margin: 0; padding: 0; background: var(--panel); border-radius: 6px; }
.subject { padding: 0.6rem 0.9rem; border-bottom: 1px solid rgba(127, 127, 127, 0.2); }
.subject:last-child { border-bottom: none; }
.subject.check .name { padding-left: 1rem; }
.line { display: flex; gap: 0.8rem; align-items: baseline; }
.name { flex: 1; overflow-wrap: anywhere; font-weight: 600; }
.of-host { color: var(--muted); font-weight: 400; }
.pct { color: var(--muted); font-variant-numeric: tabular-nums; }
.state { font-size: 0.8rem; font-weight: 700; padding: 0 0.5rem; border-radius: 999px; color: #fff; }
.state-up { background: var(--up); }
.state-down { background: var(--low); }
.state-maintenance { background: #4f7fd9; }
.state-unknown { background: #777; }
.bars { display: flex; gap: 2px; height: 1.6rem; margin-top: 0.35rem; }
.bar { flex: 1; border-radius: 2px; }
.bar-full { background: var(--up); }
.bar-high { background: var(--high); }
.bar-low { background: var(--low); }
.bar-none { background: var(--none); }
.incident { background: var(--panel); border-left: 6px solid #d98b1a; border-radius: 6px; padding: 0.7rem 1rem; margin: 1rem 0; }
.incident.impact-major { border-left-color: #e07b39; }
.incident.impact-critical { border-left-color: var(--low); }
.incident.impact-maintenance { border-left-color: #4f7fd9; }
.incident h3 { font-size: 1.05rem; margin: 0 0 0.4rem; }
.incident-title { overflow-wrap: anywhere; }
.impact, .resolved-at, time { color: var(--muted); font-size: 0.85rem; font-weight: 400; }
.updates { list-style: none; margin: 0; padding: 0; background: none; }
.updates li { margin: 0.4rem 0; }
.update-status { font-weight: 700; }
.affects { margin: 0 0 0.3rem; color: var(--muted); font-size: 0.9rem; }
.message { margin: 0.15rem 0 0; white-space: pre-line; overflow-wrap: anywhere; }
details { background: var(--panel); border-radius: 6px; padding: 0.5rem 0.9rem; margin: 0.4rem 0; }
summary { cursor: pointer; overflow-wrap: anywhere; }
details .updates { margin-top: 0.4rem; }
.windows li { padding: 0.5rem 0.9rem; border-bottom: 1px solid rgba(127, 127, 127, 0.2); display: flex; gap: 0.8rem; flex-wrap: wrap; }
.windows li:last-child { border-bottom: none; }
.when { font-weight: 600; color: #4f7fd9; font-variant-numeric: tabular-nums; }
.hosts { overflow-wrap: anywhere; }
.empty, footer { color: var(--muted); }
footer { margin-top: 2rem; font-size: 0.85rem; }
`;
