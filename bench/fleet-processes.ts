// The shared servers' processes, found in /proc, so that the benchmarks can meter their CPU:
// the machine's RabbitMQ node (beam.smp run by the rabbitmq user; private test nodes run as
// root and are left out) and PostgreSQL (the postmaster, and the backends serving one database).
import { readdir, readFile } from 'node:fs/promises';

const POSTMASTER_PID_FILE = '/var/lib/postgresql/15/main/postmaster.pid';

async function processes(): Promise<Array<{ pid: number; uid: number; comm: string; cmdline: string }>> {
  const entries = (await readdir('/proc')).filter((e) => /^\d+$/.test(e));
  const found = await Promise.all(entries.map(async (pid) => {
    try {
      const [status, cmdline] = await Promise.all([readFile(`/proc/${pid}/status`, 'utf8'), readFile(`/proc/${pid}/cmdline`, 'utf8')]);
      const comm = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '';
      const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
      return { pid: Number(pid), uid, comm, cmdline: cmdline.replaceAll('\0', ' ') };
    } catch {
      return null;
    }
  }));
  return found.filter((p) => p !== null);
}

async function uidOf(user: string): Promise<number> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`no user ${user}`);
  return Number(line.split(':')[2]);
}

/** The machine's RabbitMQ node. */
export async function findRabbitmqPid(): Promise<number> {
  const uid = await uidOf('rabbitmq');
  const beam = (await processes()).find((p) => p.comm === 'beam.smp' && p.uid === uid);
  if (!beam) throw new Error('cannot find the RabbitMQ node (beam.smp of user rabbitmq)');
  return beam.pid;
}

/** The machine's PostgreSQL postmaster (all of the server is its process tree). */
export async function findPostmasterPid(): Promise<number> {
  const text = await readFile(POSTMASTER_PID_FILE, 'utf8').catch(() => {
    throw new Error(`cannot read ${POSTMASTER_PID_FILE}: is PostgreSQL 15 running?`);
  });
  return Number(text.split('\n')[0]);
}

/** The backends connected to `database` right now. */
export async function findBackendPids(database: string): Promise<number[]> {
  return (await processes()).filter((p) => p.comm === 'postgres' && p.cmdline.includes(` ${database} `)).map((p) => p.pid);
}

/** The 1-minute load average. */
export async function loadAverage(): Promise<number> {
  return Number((await readFile('/proc/loadavg', 'utf8')).split(' ')[0]);
}
