// Response headers beyond the ones hapi's `security` route option sets (and the CSP): keep other
// origins from opening, embedding or reading our responses, and switch off browser features the
// dashboard never uses. web-server.ts sends them with the CSP on every answer.
export const EXTRA_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
};
