// The two scripts a poll runs on a host: POLL_SCRIPT (full) and POLL_SCRIPT_LIGHT. Both are
// constants: no inventory value is ever pasted in, so nothing a host name or variable contains can
// become shell syntax. What varies per host (process patterns, which filesystems count) is applied
// on the worker, to the output; which of the two runs is the worker's choice (poll-schedule.ts).
//
// The monitored host pays for every poll, so the scripts start as few processes as they can
// (each costs the host ~1-1.5 ms of CPU; see BENCHMARKS.md):
// - ONE `head -c` copies every /proc file, /proc/stat and /proc/meminfo included, delimited by its
//   own "==> path <==" header: one process instead of a `cat` per file. The shell's `read` is no
//   cheaper: dash and busybox read one byte per system call (~2 us each here), so reading files
//   with it costs as much as the `head` process at ~1.5 kB and more on every bigger host, and
//   /proc/stat's `intr` line, which comes before anything after the cpu lines, runs to kilobytes
//   on large hosts. The byte cap bounds what a huge command line can cost and still holds the cpu
//   lines of ~900 CPUs; the parser knows it.
// - Only the head of cpuinfo is read with builtins (`read`, a bounded number of lines): reading all
//   of it makes the kernel ask every CPU its clock.
// - ONE `df`, in the full script only (since version 5): GNU's --output gives sizes, inodes and the
//   filesystem type at once; busybox and old coreutils reject it and fall back to `df -Pk` (no type,
//   no inodes) at the cost of one more exec. It was 14-21% of a light poll's cost to the host, for figures
//   that change slowly: a light poll's sample carries the last full poll's filesystems with the time they
//   were read (carry-filesystems.ts). Where the full script prints `\n@@df`, the light one prints a
//   bare newline: a capped file may end mid-line, and the next marker must start a line of its own.
// - nvidia-smi where it exists (`command -v` is a builtin).
// The full script adds what changes slowly or costs most: every process's stat and cmdline (the
// bulk of a busy host's cost, and of the worker's parsing), the facts (hostname, kernel, OS, CPU
// model), the filesystems (df) and systemd's failed units (systemctl, and systemd's own work answering it).
// A file that cannot be read, or a missing command, only leaves its own section empty; the script
// always reaches `@@end`, so output that lacks it was cut short. A host without /proc/stat is not
// Linux: it gets an `@@os` section with `uname -s` and nothing else. POSIX sh only: dash, busybox ash.
// printf, not echo: dash's echo interprets backslashes. The first line of each is a comment naming
// it, which a forced-command wrapper reads to choose between its pinned copies (forced-command-wrapper.ts).

/** 6: interfaces' link states (5: the light script runs no df; 4: /proc/stat and meminfo through head; 3: the light script). */
export const POLL_SCRIPT_VERSION = 6;

/** head's per-file byte cap; a file this long was cut and its last line is not trusted (16384 until version 4). */
export const FILE_BYTE_CAP = 65536;

/** Lines of /proc/cpuinfo read at most: "model name" is the fifth on x86, and a longer file cannot hold the loop. */
export const CPUINFO_LINE_BOUND = 64;

/** The files the `head` section copies, before the per-process ones. Uptime comes first: rates use the host's clock. */
export const HEAD_FILES = [
  '/proc/uptime',
  '/proc/stat',
  '/proc/meminfo',
  '/proc/net/dev',
  '/proc/diskstats',
  '/proc/loadavg',
  '/proc/pressure/cpu',
  '/proc/pressure/io',
  '/proc/pressure/memory',
  '/proc/sys/kernel/hostname',
  '/proc/sys/kernel/osrelease',
  '/proc/sys/kernel/arch',
  '/etc/os-release',
] as const;

/** nvidia-smi's columns, in the order parseNvidiaSmi reads them. */
export const GPU_QUERY =
  'index,uuid,name,temperature.gpu,utilization.gpu,utilization.memory,memory.total,memory.used,memory.free,power.draw,power.limit';

/**
 * Every interface's link state, read by the same `head` (sysfs files, no process of their own):
 * fixed files, so after the /proc ones and before the per-process files. No match leaves the
 * pattern as is, which head cannot open: nothing is printed.
 */
export const OPERSTATE_FILES = '/sys/class/net/*/operstate';

export type PollScriptKind = 'full' | 'light';

/** The files of the light script's `head`: counters and levels wanted on every poll. */
const LIGHT_HEAD_FILES = HEAD_FILES.filter((path) => !path.startsWith('/proc/sys/kernel/') && path !== '/etc/os-release');

function pollScript(kind: PollScriptKind): string {
  const full = kind === 'full';
  const files = full ? `${HEAD_FILES.join(' ')} ${OPERSTATE_FILES} /proc/[0-9]*/stat /proc/[0-9]*/cmdline` : `${LIGHT_HEAD_FILES.join(' ')} ${OPERSTATE_FILES}`;
  return `# vigil-poll-script ${POLL_SCRIPT_VERSION} ${kind}
LC_ALL=C
export LC_ALL
printf '@@vigil ${POLL_SCRIPT_VERSION} ${kind}\\n'
if [ ! -r /proc/stat ]; then
  printf '@@os\\n'
  uname -s 2>/dev/null
  printf '@@end\\n'
  exit 0
fi
printf '@@shell\\n%s\\n' "$$"
${full ? `printf '@@cpuinfo\\n'
vigil_lines=0
while [ $vigil_lines -lt ${CPUINFO_LINE_BOUND} ] && IFS= read -r vigil_line; do
  case $vigil_line in
    '') break ;;
    'model name'*|Hardware*|'CPU implementer'*|'CPU part'*|cpu*|vendor_id*) printf '%s\\n' "$vigil_line" ;;
  esac
  case $vigil_line in 'model name'*) break ;; esac
  vigil_lines=$((vigil_lines + 1))
done < /proc/cpuinfo 2>/dev/null
` : ''}printf '@@virtualnet\\n'
for vigil_path in /sys/devices/virtual/net/*; do
  [ -e "$vigil_path" ] && printf '%s\\n' "\${vigil_path##*/}"
done
printf '@@files\\n'
head -c ${FILE_BYTE_CAP} ${files} 2>/dev/null
${full ? `printf '\\n@@df\\n'
df -k --output=source,fstype,size,used,avail,itotal,iused,target 2>/dev/null || df -Pk 2>/dev/null
` : `printf '\\n'
`}if command -v nvidia-smi >/dev/null 2>&1; then
  printf '@@gpu\\n'
  nvidia-smi --query-gpu=${GPU_QUERY} --format=csv,noheader,nounits 2>/dev/null
fi
${full ? `if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  printf '@@units\\n'
  systemctl list-units --state=failed --no-legend --plain --no-pager 2>/dev/null
fi
` : ''}printf '@@end\\n'
`;
}

/** Everything: run on a host's first poll, on every poll of a host with `vigil_processes`, and every so often (poll-schedule.ts). */
export const POLL_SCRIPT = pollScript('full');

/** Without the per-process files, the facts, df and the failed units: the poll most polls are. */
export const POLL_SCRIPT_LIGHT = pollScript('light');

export const POLL_SCRIPTS: Readonly<Record<PollScriptKind, string>> = { full: POLL_SCRIPT, light: POLL_SCRIPT_LIGHT };
