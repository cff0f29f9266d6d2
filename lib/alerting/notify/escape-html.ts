// Every value that reaches an HTML mail goes through here: host names, rule names, labels and
// summaries come from inventories and samples, which anyone with a host can shape.
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}
