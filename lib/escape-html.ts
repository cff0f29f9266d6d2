// Every value that reaches HTML (a mail, the public status page, a Telegram message) or XML (the
// status feed) goes through here: host names, rule names, labels, summaries and incidents come
// from inventories, samples and operators, which anyone with a host can shape.
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}
