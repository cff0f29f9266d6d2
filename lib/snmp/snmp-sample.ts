// From an SNMP report (and the same host's previous one) to the Sample every other source makes,
// so that charts and rules need nothing of their own: sysUpTime as the uptime (reboot detection),
// IF-MIB rates as `interfaces`, sysName and sysDescr as facts, and the rest of the report
// (printer status, supplies, page count and pages per day, the alert table) as `device`. Pure.
import { bootTime } from '../collect/boot-time.ts';
import type { HostFacts, InterfaceRate, Sample } from '../collect/sample.ts';
import { agentRestarted } from './counter-delta.ts';
import type { DeviceInterface } from './device-interfaces.ts';
import type { InterfaceRates } from './interface-rates.ts';
import { interfaceRates } from './interface-rates.ts';
import { pagesPerDay } from './pages-per-day.ts';
import type { SnmpReport } from './poll-snmp.ts';
import type { SnmpSystem } from './snmp-system.ts';

/** One good poll of a host, as the worker keeps it for the next one's rates. */
export interface SnmpReading {
  report: SnmpReport;
  /** When the poll ran, in milliseconds since the epoch (the worker's clock). */
  polledAt: number;
}

// IANAifType numbers of software interfaces, whose traffic repeats a physical port's.
const SOFTWARE_LOOPBACK = 24;
const VIRTUAL_IF_TYPES = new Set([SOFTWARE_LOOPBACK, 53 /* propVirtual */, 131 /* tunnel */, 135 /* l2vlan */, 136 /* l3ipvlan */, 161 /* ieee8023adLag */, 209 /* bridge */]);

// A facts field is a short line on the host page; some agents put a whole banner in sysDescr.
const MAX_FACT_LENGTH = 200;

/**
 * The sample of `current`; `previous` is the host's last good poll by this worker (for rates,
 * pages per day and the reboot check), undefined on the first.
 */
export function snmpSample(host: string, current: SnmpReading, previous: SnmpReading | undefined): Sample {
  const system = current.report.system;
  // sysUpTime (TimeTicks) also wraps after 497 days of uptime: that reads as one reboot, which the
  // reboot rule reports and resolves; no rate is lost but that poll's.
  const rebooted = previous !== undefined && agentRestarted(previous.report.system.uptimeSec, system.uptimeSec);
  const facts = snmpFacts(system);
  const rates = current.report.profile === 'device' && previous?.report.profile === 'device'
    ? interfaceRates(
      { system: previous.report.system, interfaces: previous.report.interfaces, polledAt: previous.polledAt },
      { system, interfaces: current.report.interfaces, polledAt: current.polledAt },
    )
    : null;
  const elapsedSec = previous === undefined ? 0 : (current.polledAt - previous.polledAt) / 1000;
  const net = rates === null || current.report.profile !== 'device' || previous?.report.profile !== 'device'
    ? null
    : sampleInterfaces(rates, current.report.interfaces, previous.report.interfaces, elapsedSec);

  const device: SnmpReport = current.report.profile === 'printer'
    ? {
        ...current.report,
        pagesPerDay: previous?.report.profile === 'printer'
          ? pagesPerDay({ pageCount: previous.report.pageCount, polledAt: previous.polledAt }, { pageCount: current.report.pageCount, polledAt: current.polledAt })
          : null,
      }
    : current.report;

  return {
    host,
    ts: current.polledAt,
    cpuBusyPct: null,
    cpuCount: null,
    memTotalBytes: null,
    memAvailableBytes: null,
    memUsedPct: null,
    swapTotalBytes: null,
    swapUsedBytes: null,
    load1: null,
    load5: null,
    load15: null,
    uptimeSec: system.uptimeSec,
    bootTime: bootTime(current.polledAt, system.uptimeSec),
    rebooted,
    netRxBytesPerSec: net?.rxTotal ?? null,
    netTxBytesPerSec: net?.txTotal ?? null,
    diskUsedPctMax: null,
    filesystems: [],
    interfaces: net?.rates ?? [],
    // As the SSH worker: on the first poll and when they change, else null.
    facts: previous === undefined || !sameFacts(snmpFacts(previous.report.system), facts) ? facts : null,
    missing: missingParts(current.report),
    source: 'snmp',
    device,
  };
}

/** sysName as the hostname and sysDescr (its first line) as the OS: what a printer or switch says it is. */
export function snmpFacts(system: SnmpSystem): HostFacts {
  const description = system.description?.split(/\r?\n/)[0]?.trim().slice(0, MAX_FACT_LENGTH) || null;
  return {
    hostname: system.name?.trim().slice(0, MAX_FACT_LENGTH) || null,
    kernel: null,
    osName: description,
    osVersion: null,
    cpuModel: null,
    architecture: null,
  };
}

interface SampleInterfaces {
  rates: InterfaceRate[];
  rxTotal: number | null;
  txTotal: number | null;
}

/**
 * The rated interfaces in the SSH worker's shape: bytes per second, errors and discards as counts
 * since the previous poll. As there, an interface new since then is left out, and the totals leave
 * out loopback and are null when an interface seen both times has no rate (a counter reset, a
 * switch of counter width): a sum missing one would look like a drop in traffic.
 */
function sampleInterfaces(rates: InterfaceRates[], interfaces: DeviceInterface[], before: DeviceInterface[], elapsedSec: number): SampleInterfaces {
  const byIndex = new Map(interfaces.map((item) => [item.ifIndex, item]));
  const seenBefore = new Set(before.map((item) => item.ifIndex));
  const out: InterfaceRate[] = [];
  let rxTotal = 0;
  let txTotal = 0;
  let complete = true;
  let rated = 0;
  const count = (perSec: number | null): number | undefined => (perSec === null ? undefined : Math.round(perSec * elapsedSec));
  for (const rate of rates) {
    const type = byIndex.get(rate.ifIndex)?.type ?? null;
    const loopback = type === SOFTWARE_LOOPBACK;
    if (rate.inBitsPerSec === null || rate.outBitsPerSec === null) {
      if (!loopback && seenBefore.has(rate.ifIndex)) complete = false;
      continue;
    }
    const rxBytesPerSec = rate.inBitsPerSec / 8;
    const txBytesPerSec = rate.outBitsPerSec / 8;
    const errors = { rxErrors: count(rate.inErrorsPerSec), txErrors: count(rate.outErrorsPerSec), rxDrops: count(rate.inDiscardsPerSec), txDrops: count(rate.outDiscardsPerSec) };
    out.push({
      name: rate.name,
      rxBytesPerSec,
      txBytesPerSec,
      ...(errors.rxErrors !== undefined && { rxErrors: errors.rxErrors }),
      ...(errors.txErrors !== undefined && { txErrors: errors.txErrors }),
      ...(errors.rxDrops !== undefined && { rxDrops: errors.rxDrops }),
      ...(errors.txDrops !== undefined && { txDrops: errors.txDrops }),
      loopback,
      virtual: type !== null && VIRTUAL_IF_TYPES.has(type),
    });
    if (!loopback) {
      rxTotal += rxBytesPerSec;
      txTotal += txBytesPerSec;
      rated++;
    }
  }
  const known = complete && rated > 0;
  return { rates: out, rxTotal: known ? rxTotal : null, txTotal: known ? txTotal : null };
}

/** What the agent did not serve, named by the MIB object, as `missing` names absent sections over SSH. */
function missingParts(report: SnmpReport): string[] {
  const missing: string[] = [];
  if (report.system.uptimeSec === null) missing.push('sysUpTime');
  if (report.profile === 'printer') {
    if (report.printerStatus === null) missing.push('hrPrinterStatus');
    if (report.supplies.length === 0) missing.push('prtMarkerSuppliesTable');
    if (report.pageCount === null) missing.push('prtMarkerLifeCount');
  } else if (report.interfaces.length === 0) {
    missing.push('ifTable');
  }
  return missing;
}


function sameFacts(a: HostFacts, b: HostFacts): boolean {
  return a.hostname === b.hostname && a.osName === b.osName;
}
