// The POSTs one webhook notice makes, in the format its receiver asked for: one for most
// formats, one per alert for PagerDuty and Opsgenie (whose events and alerts are per alert).
import { WEBHOOK_FORMATS, type WebhookReceiver } from '../alerts-config.ts';
import { renderAlertmanagerBody } from './alertmanager-body.ts';
import { renderDiscordBody } from './discord-body.ts';
import { renderGoogleChatBody } from './googlechat-body.ts';
import { renderGotifyBody } from './gotify-body.ts';
import { renderMsTeamsBody } from './msteams-body.ts';
import type { Notice } from './notice.ts';
import { renderNtfyRequest } from './ntfy-body.ts';
import { OPSGENIE_ALERTS_URL, renderOpsgenieRequests } from './opsgenie-alerts.ts';
import { PAGERDUTY_EVENTS_URL, renderPagerDutyEvents } from './pagerduty-events.ts';
import { renderPushoverBody } from './pushover-body.ts';
import { renderSlackBody } from './slack-body.ts';
import { renderTelegramBody } from './telegram-body.ts';
import { renderVigilJsonBody } from './vigil-json-body.ts';
import { renderWebexBody, WEBEX_MESSAGES_URL } from './webex-body.ts';

export interface WebhookRequest {
  url: string;
  body: unknown;
  /** The receiver's login (its headers, Opsgenie's key, Webex's token); sendWebhook adds the content type. */
  headers?: Record<string, string>;
}

/** A queued notification's target back into the webhook it was queued for (the alerter stores the webhook whole). */
export function webhookFromTarget(target: Record<string, unknown>): WebhookReceiver {
  const { url, format, routingKey, apiKey, chatId, token, userKey, roomId, headers } = target;
  if (typeof url !== 'string') throw new Error('the webhook notification has no URL');
  if (typeof format !== 'string' || !(WEBHOOK_FORMATS as readonly string[]).includes(format)) throw new Error(`the webhook notification has an unknown format ${JSON.stringify(format)}`);
  const text = (value: unknown): value is string => typeof value === 'string';
  const isHeaders = (value: unknown): value is Record<string, string> =>
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every(text);
  return {
    url,
    format: format as WebhookReceiver['format'],
    ...(text(routingKey) ? { routingKey } : {}),
    ...(text(apiKey) ? { apiKey } : {}),
    ...(text(chatId) ? { chatId } : {}),
    ...(text(token) ? { token } : {}),
    ...(text(userKey) ? { userKey } : {}),
    ...(text(roomId) ? { roomId } : {}),
    ...(isHeaders(headers) ? { headers } : {}),
  };
}

export function renderWebhookRequests(notice: Notice, hook: WebhookReceiver): WebhookRequest[] {
  const requests = bodies(notice, hook);
  // The format's own login (Opsgenie's, Webex's) is set after the receiver's headers; alerts.yml refuses both.
  return hook.headers ? requests.map((request) => ({ ...request, headers: { ...hook.headers, ...request.headers } })) : requests;
}

function bodies(notice: Notice, hook: WebhookReceiver): WebhookRequest[] {
  const one = (body: unknown): WebhookRequest[] => [{ url: hook.url, body }];
  switch (hook.format) {
    case 'json':
      return one(renderVigilJsonBody(notice));
    case 'slack':
      return one(renderSlackBody(notice));
    case 'alertmanager':
      return one(renderAlertmanagerBody(notice));
    case 'discord':
      return one(renderDiscordBody(notice));
    case 'msteams':
      return one(renderMsTeamsBody(notice));
    case 'telegram':
      if (!hook.chatId) throw new Error('the telegram webhook has no chat_id');
      return one(renderTelegramBody(notice, hook.chatId));
    case 'ntfy':
      return [renderNtfyRequest(notice, hook.url)];
    case 'gotify':
      return one(renderGotifyBody(notice));
    case 'pushover':
      if (!hook.token || !hook.userKey) throw new Error('the pushover webhook needs token and user_key');
      return one(renderPushoverBody(notice, hook.token, hook.userKey));
    case 'pagerduty': {
      if (!hook.routingKey) throw new Error('the pagerduty webhook has no routing_key');
      return renderPagerDutyEvents(notice, hook.routingKey).map((body) => ({ url: hook.url || PAGERDUTY_EVENTS_URL, body }));
    }
    case 'opsgenie':
      if (!hook.apiKey) throw new Error('the opsgenie webhook has no api_key');
      return renderOpsgenieRequests(notice, hook.url || OPSGENIE_ALERTS_URL, hook.apiKey);
    case 'googlechat':
      return one(renderGoogleChatBody(notice));
    case 'webex':
      if (!hook.token || !hook.roomId) throw new Error('the webex webhook needs token and room_id');
      return [{ url: hook.url || WEBEX_MESSAGES_URL, body: renderWebexBody(notice, hook.roomId), headers: { Authorization: `Bearer ${hook.token}` } }];
  }
}
