// The dashboard's live stream (GET api/v1/events): one EventSource per page, shared by every
// component that subscribes, opened with the first subscriber and closed with the last.
// EventSource reconnects by itself after a network failure; when the server refuses the stream
// (an HTTP error: logged out, server stopping) it gives up, and this retries with a growing pause.
import type { ApiAlert } from '../../lib/web/api-alert.ts';
import type { LiveEventData, LiveEventType, LiveHost, LiveSamples } from '../../lib/web/live-event.ts';
import { LIVE_EVENT_TYPES } from '../../lib/web/live-event.ts';
import { getJson } from './api-client.ts';

export type { ApiAlert, LiveHost, LiveSamples };

export interface LiveHandlers {
  /** Hosts with newly stored samples. */
  samples?: (data: LiveSamples) => void;
  /** A host's status changed. */
  host?: (data: LiveHost) => void;
  /** An alert fired, resolved, was acknowledged or started or stopped flapping. */
  alert?: (data: ApiAlert) => void;
  /** The stream (re)connected: whatever happened while it was down was missed, so reload. */
  open?: () => void;
}

/** For a "live" indicator: open means events arrive as they happen. */
export type LiveConnection = 'connecting' | 'open' | 'closed';

export const LIVE_EVENTS_PATH = 'api/v1/events';
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;

const subscribers = new Set<LiveHandlers>();
const connectionListeners = new Set<(state: LiveConnection) => void>();
let source: EventSource | null = null;
let connection: LiveConnection = 'closed';
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let retryMs = RETRY_MIN_MS;

/** Calls the handlers for every event until the returned function is called. */
export function subscribeLive(handlers: LiveHandlers): () => void {
  // A copy, so one object subscribed twice still counts twice and unsubscribes once each.
  const entry = { ...handlers };
  subscribers.add(entry);
  if (source === null && retryTimer === null) connect();
  return () => {
    if (!subscribers.delete(entry) || subscribers.size > 0) return;
    disconnect();
  };
}

/**
 * subscribeLive, plus `poll` every `pollMs` while the stream is not open: a page kept fresh by
 * events falls back to polling while they cannot arrive. The returned function stops both.
 */
export function followLive(handlers: LiveHandlers, pollMs: number, poll: () => void): () => void {
  const unsubscribe = subscribeLive(handlers);
  const timer = setInterval(() => {
    if (connection !== 'open') poll();
  }, pollMs);
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}

/**
 * Closes the stream now and forgets every subscriber: on logout, before the pages that subscribed
 * are gone, so that nothing reopens it (a retry, a reconnect) with the login that just ended. The
 * next subscribeLive, after the next login, opens a new one.
 */
export function closeLive(): void {
  subscribers.clear();
  disconnect();
}

export function liveConnection(): LiveConnection {
  return connection;
}

/** Tells the listener every change of the connection state (not the current one). */
export function onLiveConnection(listener: (state: LiveConnection) => void): () => void {
  connectionListeners.add(listener);
  return () => connectionListeners.delete(listener);
}

function connect(): void {
  const opened = new EventSource(LIVE_EVENTS_PATH);
  source = opened;
  setConnection('connecting');
  opened.onopen = () => {
    retryMs = RETRY_MIN_MS;
    setConnection('open');
    for (const handlers of [...subscribers]) call(() => handlers.open?.());
  };
  opened.onerror = () => {
    if (opened.readyState !== EventSource.CLOSED) {
      setConnection('connecting');
      return;
    }
    opened.close();
    if (source !== opened) return;
    source = null;
    setConnection('closed');
    // Asking for the session lets the API client announce a logout (vigil-unauthorized).
    getJson('api/v1/session').catch(() => {});
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (subscribers.size > 0) connect();
    }, retryMs);
    retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
  };
  for (const type of LIVE_EVENT_TYPES) {
    opened.addEventListener(type, (event: MessageEvent<string>) => dispatch(type, event.data));
  }
}

function disconnect(): void {
  source?.close();
  source = null;
  if (retryTimer !== null) clearTimeout(retryTimer);
  retryTimer = null;
  retryMs = RETRY_MIN_MS;
  setConnection('closed');
}

function dispatch(type: LiveEventType, text: string): void {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    console.error(`live stream: ${type} event without JSON data`);
    return;
  }
  for (const handlers of [...subscribers]) {
    if (type === 'samples') call(() => handlers.samples?.(data as LiveEventData['samples']));
    else if (type === 'host') call(() => handlers.host?.(data as LiveEventData['host']));
    else call(() => handlers.alert?.(data as LiveEventData['alert']));
  }
}

// One component's failing handler must not starve the others.
function call(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    console.error('live stream handler failed', error);
  }
}

function setConnection(state: LiveConnection): void {
  if (state === connection) return;
  connection = state;
  for (const listener of [...connectionListeners]) call(() => listener(state));
}
