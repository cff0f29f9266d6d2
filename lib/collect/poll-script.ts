// The one script each poll runs on a host. It is a constant: no inventory value is ever pasted in,
// so nothing a host name or variable contains can become shell syntax. What varies per host
// (process patterns, which filesystems count) is applied on the worker, to the output.
//
// The monitored host pays for every poll, so the script starts as few processes as it can
// (each costs the host ~1-1.5 ms of CPU; see BENCHMARKS.md and the poll-script cost test):
// - /proc/stat's cpu lines, meminfo through SwapFree and the head of cpuinfo are copied with shell
//   builtins; dash's `read` costs one system call per byte, so only short prefixes are read this way.
// - ONE `head -c` copies every other /proc file, and each process's stat and cmdline, delimited by
//   its own "==> path <==" headers: one process instead of a `cat` per file, and no per-byte reads.
//   The byte cap bounds what a huge command line or mount table can cost; the parser knows it.
// - ONE `df`: GNU's --output gives sizes, inodes and the filesystem type at once; busybox and old
//   coreutils reject it and fall back to `df -Pk` (no type, no inodes) at the cost of one more exec.
// - nvidia-smi and systemctl only where they exist (`command -v` is a builtin).
// A file that cannot be read, or a missing command, only leaves its own section empty; the script
// always reaches `@@end`, so output that lacks it was cut short. A host without /proc/stat is not
// Linux: it gets an `@@os` section with `uname -s` and nothing else. POSIX sh only: dash, busybox ash.
// printf, not echo: dash's echo interprets backslashes.

export const POLL_SCRIPT_VERSION = 2;

/** head's per-file byte cap; a file this long was cut and its last line is not trusted. */
export const FILE_BYTE_CAP = 16384;

/** The files the `head` section copies, before the per-process ones. Uptime comes first: rates use the host's clock. */
export const HEAD_FILES = [
  '/proc/uptime',
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

export const POLL_SCRIPT = `LC_ALL=C
export LC_ALL
printf '@@vigil ${POLL_SCRIPT_VERSION}\\n'
if [ ! -r /proc/stat ]; then
  printf '@@os\\n'
  uname -s 2>/dev/null
  printf '@@end\\n'
  exit 0
fi
printf '@@shell\\n%s\\n' "$$"
printf '@@stat\\n'
while IFS= read -r vigil_line; do
  case $vigil_line in
    cpu*) printf '%s\\n' "$vigil_line" ;;
    *) break ;;
  esac
done < /proc/stat
printf '@@meminfo\\n'
while IFS= read -r vigil_line || [ -n "$vigil_line" ]; do
  printf '%s\\n' "$vigil_line"
  case $vigil_line in SwapFree:*) break ;; esac
done < /proc/meminfo 2>/dev/null
printf '@@cpuinfo\\n'
while IFS= read -r vigil_line; do
  case $vigil_line in
    '') break ;;
    'model name'*|Hardware*|'CPU implementer'*|'CPU part'*|cpu*|vendor_id*) printf '%s\\n' "$vigil_line" ;;
  esac
  case $vigil_line in 'model name'*) break ;; esac
done < /proc/cpuinfo 2>/dev/null
printf '@@virtualnet\\n'
for vigil_path in /sys/devices/virtual/net/*; do
  [ -e "$vigil_path" ] && printf '%s\\n' "\${vigil_path##*/}"
done
printf '@@files\\n'
head -c ${FILE_BYTE_CAP} ${HEAD_FILES.join(' ')} /proc/[0-9]*/stat /proc/[0-9]*/cmdline 2>/dev/null
printf '\\n@@df\\n'
df -k --output=source,fstype,size,used,avail,itotal,iused,target 2>/dev/null || df -Pk 2>/dev/null
if command -v nvidia-smi >/dev/null 2>&1; then
  printf '@@gpu\\n'
  nvidia-smi --query-gpu=${GPU_QUERY} --format=csv,noheader,nounits 2>/dev/null
fi
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  printf '@@units\\n'
  systemctl list-units --state=failed --no-legend --plain --no-pager 2>/dev/null
fi
printf '@@end\\n'
`;
