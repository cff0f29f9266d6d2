// The status page's incidents as an Atom feed (RFC 4287), so that visitors can follow them in a
// feed reader or a chat's RSS integration, as Statuspage offers: an entry per incident shown on
// the page (open, and resolved in the last 14 days), updated with each of its updates. Plain
// text content; every text escaped for XML.
import { escapeHtml } from '../escape-html.ts';
import { INCIDENT_STATUS_TEXT, utcMinuteText, type PublicIncident } from './status-incidents.ts';
import type { ApiStatusPage } from './status-page.ts';

/** HTML's escapes are XML's too; XML 1.0 allows no control characters but tab and line breaks, even escaped. */
export function escapeXml(text: string): string {
  return escapeHtml(text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, ''));
}

function entry(incident: PublicIncident, feedId: string, pageUrl: string): string {
  const title = incident.resolvedAt === null ? `${incident.title} (${INCIDENT_STATUS_TEXT[incident.status]})` : `[Resolved] ${incident.title}`;
  const content = incident.updates.map((u) => `${INCIDENT_STATUS_TEXT[u.status]} (${utcMinuteText(u.at)}): ${u.message}`).join('\n\n');
  return `<entry>
<id>${escapeXml(`${feedId}/incident/${incident.id}`)}</id>
<title>${escapeXml(title)}</title>
<published>${incident.createdAt}</published>
<updated>${incident.updatedAt}</updated>
<link rel="alternate" type="text/html" href="${escapeXml(pageUrl)}"/>
<category term="${incident.impact}"/>
${incident.groups.map((g) => `<category term="${escapeXml(`group:${g}`)}" label="${escapeXml(g)}"/>\n`).join('')}
<content type="text">${escapeXml(content)}</content>
</entry>`;
}

/** `feedUrl` and `pageUrl` are absolute: the feed's own address is its permanent id. */
export function renderStatusFeed(page: ApiStatusPage, feedUrl: string, pageUrl: string): string {
  // The feed changed when its newest incident did; with none, when the page was built.
  const updated = page.incidents.reduce((latest, i) => (i.updatedAt > latest ? i.updatedAt : latest), page.incidents.length > 0 ? '' : page.at);
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${escapeXml(feedUrl)}</id>
<title>${escapeXml(`${page.title}: incidents`)}</title>
<updated>${updated}</updated>
<author><name>${escapeXml(page.title)}</name></author>
<link rel="self" type="application/atom+xml" href="${escapeXml(feedUrl)}"/>
<link rel="alternate" type="text/html" href="${escapeXml(pageUrl)}"/>
${[...page.incidents].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : b.id - a.id)).map((i) => entry(i, feedUrl, pageUrl)).join('\n')}
</feed>
`;
}
