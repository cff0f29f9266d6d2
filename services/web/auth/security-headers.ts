// Response headers beyond the ones hapi's `security` route option sets (and the CSP, which
// web-server.ts sets): keep other origins from opening, embedding or reading our responses,
// and switch off browser features the dashboard never uses.
import type { Plugin } from '@hapi/hapi';

export const EXTRA_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
};

export const securityHeaders: Plugin<Record<string, never>> = {
  name: 'vigil-security-headers',
  register(server) {
    server.ext('onPreResponse', (request, h) => {
      const response = request.response;
      if (response === null) return h.continue;
      if ('isBoom' in response && response.isBoom) Object.assign(response.output.headers, EXTRA_SECURITY_HEADERS);
      else if ('header' in response) for (const [name, value] of Object.entries(EXTRA_SECURITY_HEADERS)) response.header(name, value);
      return h.continue;
    });
  },
};
