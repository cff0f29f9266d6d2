// What a worker needs to know to poll one host. Built from the inventory by the scheduler
// and carried inside each poll job, so workers need no inventory of their own.

export type ConnectionKind = 'ssh' | 'local';

export interface HostTarget {
  /** The inventory name of the host: the identity under which its samples are stored. */
  name: string;
  connection: ConnectionKind;
  /** ansible_host, or the inventory name. */
  address: string;
  port: number;
  user: string;
  privateKeyFile: string | null;
  intervalSec: number;
  groups: string[];
}

/** A stable string of everything that affects the connection: a change means reconnect. */
export function connectionKey(target: HostTarget): string {
  return JSON.stringify([target.connection, target.address, target.port, target.user, target.privateKeyFile]);
}
