// net-snmp sessions for a target, and the two requests the profiles need as promises: a GET of
// scalars and a GETBULK walk of table columns.
import snmp from 'net-snmp';
import type { Session, Varbind } from 'net-snmp';
import { compareOids } from './snmp-table.ts';
import type { SnmpTarget } from './snmp-target.ts';
import type { SnmpVarbind } from './snmp-varbind.ts';
import { SNMP_TYPE } from './snmp-varbind.ts';

export interface SnmpSessionOptions {
  /** Milliseconds to wait for each answer. */
  timeoutMs: number;
  /** Resends of an unanswered request before it times out. */
  retries: number;
}

export interface OpenSnmpSession {
  session: Session;
  /** The last message the session received and could not decode (garbage, a truncated packet). */
  undecodable(): string | undefined;
  /** Forgets it: a reused session starts each poll without an earlier poll's garbage. */
  clearUndecodable(): void;
  /** SNMPv3: the agent answered engine discovery (net-snmp keeps its engine ID once a report came back). */
  engineDiscovered(): boolean;
}

export function openSnmpSession(target: SnmpTarget, options: SnmpSessionOptions): OpenSnmpSession {
  const common = {
    port: target.port,
    timeout: options.timeoutMs,
    retries: options.retries,
    // net-snmp's default backoff of 1 keeps the timeout the same on every retry; said here so it stays so.
    backoff: 1,
    transport: target.address.includes(':') ? ('udp6' as const) : ('udp4' as const),
  };
  const { security } = target;
  const session = security.version === '2c'
    ? snmp.createSession(target.address, security.community, { ...common, version: snmp.Version2c })
    : snmp.createV3Session(target.address, {
        name: security.user,
        level: snmp.SecurityLevel[security.level],
        ...(security.authProtocol !== undefined && { authProtocol: snmp.AuthProtocols[security.authProtocol], authKey: security.authKey }),
        ...(security.privProtocol !== undefined && { privProtocol: snmp.PrivProtocols[security.privProtocol], privKey: security.privKey }),
      }, common);
  let undecodable: string | undefined;
  // net-snmp emits 'error' for a datagram it cannot parse; without a listener that would throw
  // out of the socket's message handler and take the whole worker down.
  session.on('error', (error: Error) => {
    undecodable = error.message;
  });
  return {
    session,
    undecodable: () => undecodable,
    clearUndecodable: () => {
      undecodable = undefined;
    },
    // Not in net-snmp's typings: the field Session.onMsg sets from the discovery report.
    engineDiscovered: () => (session as unknown as { msgSecurityParameters?: unknown }).msgSecurityParameters != null,
  };
}

/** GET of `oids`; a missing object comes back as a noSuchObject/noSuchInstance varbind, not an error. */
export function snmpGet(session: Session, oids: readonly string[]): Promise<SnmpVarbind[]> {
  return new Promise((resolve, reject) => {
    session.get([...oids], (error, varbinds) => {
      if (error) reject(error);
      else resolve((varbinds ?? []).map(toSnmpVarbind));
    });
  });
}

export interface WalkOptions {
  /** Rows per column and request; halved while the agent answers tooBig. */
  maxRepetitions: number;
  /** Stops a walk of an agent that never ends a column (it lies about the order). */
  maxRequests?: number;
}

const TOO_BIG = 1;

/**
 * Every varbind under each of `columns`, walking all of them in the same GETBULK requests: one
 * round trip for small tables, where a walk per column would pay one each. A column ends at the
 * first varbind outside it, at endOfMibView, or where the agent stops going forward.
 */
export async function snmpWalkColumns(session: Session, columns: readonly string[], options: WalkOptions): Promise<SnmpVarbind[]> {
  const found: SnmpVarbind[] = [];
  let pending = columns.map((column) => ({ prefix: column + '.', cursor: column }));
  let maxRepetitions = Math.max(1, Math.floor(options.maxRepetitions));
  const maxRequests = options.maxRequests ?? 1000;
  for (let request = 0; pending.length > 0; request++) {
    if (request >= maxRequests) throw new WalkError(`the walk did not end after ${maxRequests} requests`);
    let response: (Varbind | Varbind[])[];
    try {
      response = await getBulk(session, pending.map((column) => column.cursor), maxRepetitions);
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if ((error as Error).name === 'RequestFailedError' && status === TOO_BIG && maxRepetitions > 1) {
        maxRepetitions = Math.max(1, Math.floor(maxRepetitions / 2));
        continue;
      }
      throw error;
    }
    pending = pending.filter((column, i) => {
      const answers = response[i];
      const list = Array.isArray(answers) ? answers : answers === undefined ? [] : [answers];
      if (list.length === 0) return false;
      for (const raw of list) {
        const varbind = toSnmpVarbind(raw);
        if (varbind.type === SNMP_TYPE.EndOfMibView || !varbind.oid.startsWith(column.prefix)) return false;
        if (compareOids(varbind.oid, column.cursor) <= 0) return false;
        found.push(varbind);
        column.cursor = varbind.oid;
      }
      return true;
    });
  }
  return found;
}

/** The agent's answers did not make a walk that ends. */
export class WalkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WalkError';
  }
}

function getBulk(session: Session, oids: string[], maxRepetitions: number): Promise<(Varbind | Varbind[])[]> {
  return new Promise((resolve, reject) => {
    session.getBulk(oids, 0, maxRepetitions, (error, varbinds) => {
      if (error) reject(error);
      else resolve(varbinds ?? []);
    });
  });
}

function toSnmpVarbind(varbind: Varbind): SnmpVarbind {
  return { oid: varbind.oid, type: varbind.type ?? SNMP_TYPE.Null, value: varbind.value };
}
