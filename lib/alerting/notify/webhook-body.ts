// The body of a webhook POST in the format its receiver asked for.
import type { WebhookReceiver } from '../alerts-config.ts';
import { renderAlertmanagerBody } from './alertmanager-body.ts';
import type { Notice } from './notice.ts';
import { renderSlackBody } from './slack-body.ts';
import { renderVigilJsonBody } from './vigil-json-body.ts';

export function renderWebhookBody(notice: Notice, format: WebhookReceiver['format']): unknown {
  switch (format) {
    case 'slack':
      return renderSlackBody(notice);
    case 'alertmanager':
      return renderAlertmanagerBody(notice);
    case 'json':
      return renderVigilJsonBody(notice);
  }
}
