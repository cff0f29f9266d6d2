// `virsh list --all` (LC_ALL=C): a header, a rule of dashes, then " Id   Name   State" rows with
// "-" as the Id of a domain that is not running. A name may hold spaces, and two states are two
// words ("shut off", "in shutdown", "no state"), so a row is read from both ends: the Id is its
// first word, the state one of virsh's own state texts at its end, the name what lies between.
import type { DomainState } from './parse-virsh-domstats.ts';

export interface ListedDomain {
  /** null for "-": the domain is defined but not running. */
  id: number | null;
  name: string;
  state: DomainState;
}

// virshDomainStateToString's texts, the longest first so "in shutdown" is not read as "shutdown".
const STATE_TEXTS: ReadonlyArray<[string, DomainState]> = [
  ['in shutdown', 'shutdown'],
  ['pmsuspended', 'pmsuspended'],
  ['no state', 'nostate'],
  ['shut off', 'shutoff'],
  ['running', 'running'],
  ['crashed', 'crashed'],
  ['paused', 'paused'],
  ['idle', 'blocked'],
];

/** The words `virsh list` shows for a state ("shut off", "idle"): what an operator knows it by. */
export function virshStateText(state: DomainState): string {
  return STATE_TEXTS.find(([, value]) => value === state)?.[0] ?? state;
}

export function parseVirshList(text: string): ListedDomain[] {
  const domains: ListedDomain[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const match = /^(\d+|-)\s+(.+)$/.exec(line);
    if (!match) continue;
    const rest = match[2] as string;
    const state = STATE_TEXTS.find(([text]) => rest.endsWith(text) && /\s/.test(rest.charAt(rest.length - text.length - 1)));
    if (!state) continue;
    const name = rest.slice(0, rest.length - state[0].length).trim();
    if (name === '') continue;
    domains.push({ id: match[1] === '-' ? null : Number(match[1]), name, state: state[1] });
  }
  return domains;
}
