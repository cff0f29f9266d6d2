// One process of a full poll, from its /proc/<pid>/stat and /proc/<pid>/cmdline.
import { cleanCommandLine } from './clean-command-line.ts';
import type { ProcessStat } from './parse-process-stat.ts';
import type { ProcessCounters } from './sample.ts';

/** Memory pages: 4 KiB on x86 and most ARM kernels; 64 KiB ARM/POWER kernels over-report by nothing worse than this factor's inverse. */
const PAGE_BYTES = 4096;

/**
 * The command line is cleaned when first read: a full poll has hundreds of processes and a sample
 * shows twenty (all of them only for a host with vigil_processes patterns). A class, so that the
 * hundreds share one shape and one getter; toJSON keeps it JSON-safe, command included.
 */
export class PolledProcess implements ProcessCounters {
  readonly pid: number;
  comm: string;
  state: string;
  readonly ppid: number;
  readonly cpuTicks: number;
  readonly startTicks: number;
  readonly rssBytes: number;
  /** The raw cmdline file (NUL-separated arguments); undefined when it was not read or cannot be trusted. */
  private cmdline: string | undefined;
  private cleanedCommand: string | null;

  /** `comm` already cleaned; `cmdline` as read. */
  constructor(stat: ProcessStat, comm: string, cmdline: string | undefined) {
    this.pid = stat.pid;
    this.comm = comm;
    this.state = stat.state;
    this.ppid = stat.ppid;
    this.cpuTicks = stat.cpuTicks;
    this.startTicks = stat.startTicks;
    this.rssBytes = stat.rssPages * PAGE_BYTES;
    this.cmdline = cmdline;
    this.cleanedCommand = null;
  }

  /** The arguments joined by spaces; the comm in brackets for a kernel thread (an empty cmdline). */
  get command(): string {
    if (this.cleanedCommand === null) {
      const args = this.cmdline === undefined ? '' : cleanCommandLine(this.cmdline);
      this.cleanedCommand = args === '' ? `[${this.comm}]` : args;
    }
    return this.cleanedCommand;
  }

  /** Its strings, the command line not yet cleaned included, given characters of their own by `detach` (detach-snapshot-strings.ts). */
  detachStrings(detach: (text: string) => string): void {
    this.comm = detach(this.comm);
    this.state = detach(this.state);
    if (this.cleanedCommand !== null) this.cleanedCommand = detach(this.cleanedCommand);
    if (this.cmdline !== undefined) this.cmdline = detach(this.cmdline);
  }

  toJSON(): ProcessCounters {
    return {
      pid: this.pid, comm: this.comm, command: this.command, state: this.state, ppid: this.ppid,
      cpuTicks: this.cpuTicks, startTicks: this.startTicks, rssBytes: this.rssBytes,
    };
  }
}
