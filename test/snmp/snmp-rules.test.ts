// The default printer rules (supply_low, printer_error) on samples the worker's mapping makes of
// synthetic printer reports, evaluated with every default rule as the evaluator runs them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AlertEvent } from '../../lib/alerting/alert-event.ts';
import { defaultAlerts } from '../../lib/alerting/default-alerts.ts';
import { activeAlerts, createFleetState, evaluatePollResult } from '../../lib/alerting/evaluate-poll-result.ts';
import type { FleetState } from '../../lib/alerting/evaluate-poll-result.ts';
import type { HostSettings } from '../../lib/alerting/rule-state.ts';
import type { Sample } from '../../lib/collect/sample.ts';
import { loadAlertsFile } from '../../lib/alerting/alerts-file.ts';
import type { PrinterErrorCondition } from '../../lib/snmp/printer-detected-errors.ts';
import { printerErrors } from '../../lib/snmp/printer-errors.ts';
import type { DeviceStatus, PrinterReport, PrinterStatus } from '../../lib/snmp/printer-report.ts';
import type { PrinterSupply } from '../../lib/snmp/printer-supplies.ts';
import { snmpSample } from '../../lib/snmp/snmp-sample.ts';
import { sample as sshSample, success } from '../alerting/synthetic-sample.ts';

const T0 = Date.UTC(2026, 0, 5, 9);
const MINUTE = 60_000;
const config = defaultAlerts();
const hosts = new Map<string, HostSettings>(['p1', 'web1'].map((name) => [name, { name, intervalSec: 60, alerting: null, via: [] }]));

interface PrinterState {
  supplies?: Array<[name: string, remainingPct: number | null]>;
  printerStatus?: PrinterStatus | null;
  deviceStatus?: DeviceStatus | null;
  detectedErrors?: PrinterErrorCondition[];
}

function printerReport(state: PrinterState): PrinterReport {
  const status = {
    printerStatus: state.printerStatus === undefined ? 'idle' : state.printerStatus,
    deviceStatus: state.deviceStatus === undefined ? 'running' : state.deviceStatus,
    detectedErrors: state.detectedErrors ?? [],
    alerts: [],
  };
  const supplies = (state.supplies ?? [['Black Toner', 80]]).map(([name, remainingPct], i): PrinterSupply => ({
    rowIndex: `1.${i + 1}`, name, type: 'toner', class: 'consumed', unit: 'percent', maxCapacity: 100,
    level: remainingPct, levelState: remainingPct === null ? 'unknown' : 'measured', levelPct: remainingPct, remainingPct, colorant: null,
  }));
  return {
    profile: 'printer', system: { description: 'Test printer', objectId: null, name: 'p1', uptimeSec: 1000 },
    ...status, supplies, pageCount: 100, errors: printerErrors(status),
  };
}

function printerSample(ts: number, state: PrinterState): Sample {
  return snmpSample('p1', { report: printerReport(state), polledAt: ts }, undefined);
}

function feed(fleet: FleetState, samples: Sample[]): string[] {
  return samples.flatMap((s) => evaluatePollResult(fleet, success(s), config, hosts, { downAfter: 3 })).map(brief);
}

function brief(event: AlertEvent): string {
  return `${event.state} ${event.rule} ${event.host}${Object.values(event.labels).map((v) => ' ' + v).join('')} ${event.severity}: ${event.summary}`;
}

describe('default printer rules', () => {
  test('supply_low: one alert per supply under 20 % left, resolved at 25 %; a level the printer does not know raises nothing', () => {
    const fleet = createFleetState();
    const supplies = (black: number): PrinterState['supplies'] => [['Black Toner', black], ['Cyan Toner', 64], ['Waste Box', 15], ['Drum', null]];
    assert.deepEqual(feed(fleet, [printerSample(T0, { supplies: supplies(15) })]), [
      'firing supply_low p1 Black Toner warning: Printer supply low Black Toner 15 % < 20 %',
      'firing supply_low p1 Waste Box warning: Printer supply low Waste Box 15 % < 20 %',
    ]);
    // Hysteresis: 22 % is above the level but below the recovery level.
    assert.deepEqual(feed(fleet, [printerSample(T0 + MINUTE, { supplies: supplies(22) })]), []);
    assert.deepEqual(feed(fleet, [printerSample(T0 + 2 * MINUTE, { supplies: supplies(100) })]), [
      'resolved supply_low p1 Black Toner warning: Printer supply low Black Toner 15 % < 20 % (resolved)',
    ]);
  });

  test('printer_error: per condition, held 2 minutes, resolved when it clears; idle, printing, warmup and a low-toner warning are no error', () => {
    const fleet = createFleetState();
    assert.deepEqual(feed(fleet, [
      printerSample(T0, { printerStatus: 'printing' }),
      printerSample(T0 + MINUTE, { printerStatus: 'warmup', deviceStatus: 'warning', detectedErrors: ['lowToner', 'lowPaper'] }),
    ]), []);
    assert.deepEqual(feed(fleet, [printerSample(T0 + 2 * MINUTE, { printerStatus: 'other', deviceStatus: 'down', detectedErrors: ['jammed'] })]), [
      'pending printer_error p1 printer-status warning: Printer error printer-status 1 > 0 for 2m',
      'pending printer_error p1 device-down warning: Printer error device-down 1 > 0 for 2m',
      'pending printer_error p1 jammed warning: Printer error jammed 1 > 0 for 2m',
    ]);
    assert.deepEqual(feed(fleet, [printerSample(T0 + 4 * MINUTE, { printerStatus: 'other', deviceStatus: 'down', detectedErrors: ['jammed', 'doorOpen'] })]), [
      'firing printer_error p1 printer-status warning: Printer error printer-status 1 > 0 for 2m',
      'firing printer_error p1 device-down warning: Printer error device-down 1 > 0 for 2m',
      'pending printer_error p1 doorOpen warning: Printer error doorOpen 1 > 0 for 2m',
      'firing printer_error p1 jammed warning: Printer error jammed 1 > 0 for 2m',
    ]);
    assert.deepEqual(feed(fleet, [printerSample(T0 + 5 * MINUTE, { printerStatus: 'idle' })]), [
      'resolved printer_error p1 printer-status warning: Printer error printer-status 1 > 0 for 2m (resolved)',
      'resolved printer_error p1 device-down warning: Printer error device-down 1 > 0 for 2m (resolved)',
      'resolved printer_error p1 doorOpen warning: Printer error doorOpen 1 > 0 for 2m (cleared before it fired)',
      'resolved printer_error p1 jammed warning: Printer error jammed 1 > 0 for 2m (resolved)',
    ]);
  });

  test('a host without a device (any SSH host, or a sample without the report) neither fires nor resolves them', () => {
    const fleet = createFleetState();
    assert.deepEqual(feed(fleet, [sshSample('web1', T0, { cpuBusyPct: 10 })]), []);
    feed(fleet, [printerSample(T0, { supplies: [['Black Toner', 5]], detectedErrors: ['noPaper'] }), printerSample(T0 + 3 * MINUTE, { supplies: [['Black Toner', 5]], detectedErrors: ['noPaper'] })]);
    const firing = (): string[] => activeAlerts(fleet).filter((a) => a.state === 'firing').map((a) => `${a.rule} ${Object.values(a.labels).join(',')}`).sort();
    assert.deepEqual(firing(), ['printer_error noPaper', 'supply_low Black Toner']);
    // The same host's sample with no device (as a worker of the previous version would send): no change.
    const bare = printerSample(T0 + 4 * MINUTE, {});
    delete bare.device;
    assert.deepEqual(feed(fleet, [bare, { ...bare, ts: T0 + 5 * MINUTE, device: null }]), []);
    assert.deepEqual(firing(), ['printer_error noPaper', 'supply_low Black Toner']);
  });

  test('inventory/alerts.yml states the printer rules as the built-in defaults', async () => {
    const file = await loadAlertsFile(new URL('../../inventory/alerts.yml', import.meta.url).pathname);
    for (const name of ['supply_low', 'printer_error']) {
      assert.deepEqual(file.rules.find((r) => r.name === name), config.rules.find((r) => r.name === name), name);
    }
  });
});
