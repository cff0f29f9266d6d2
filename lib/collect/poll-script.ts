// The one script each poll runs on a host. It is a constant: no inventory value is ever pasted in,
// so nothing a host name or variable contains can become shell syntax.
//
// The monitored host pays for every poll, and each forked process costs it ~1-1.5 ms of CPU, so
// /proc files are copied with shell builtins (read, printf, [, case) and the only child process is
// df. printf, not echo: dash's echo interprets backslashes. dash's `read` costs one system call per
// byte, so /proc/stat is read only through its cpu lines (the intr line after them runs to tens of
// kB on large servers) and /proc/meminfo only through SwapFree, the last field the parsers use.
// A file that cannot be read, or a missing df, only leaves its own section empty; the script always
// reaches `@@end`, so output that lacks it was cut short. Uptime is read right before the interface
// counters because rates are computed against the host's own clock. POSIX sh only: dash, busybox ash.

export const POLL_SCRIPT_VERSION = 1;

export const POLL_SCRIPT = `LC_ALL=C
export LC_ALL
vigil_copy() {
  [ -r "$1" ] || return 0
  while IFS= read -r vigil_line || [ -n "$vigil_line" ]; do
    printf '%s\\n' "$vigil_line"
  done < "$1"
}
vigil_copy_through() {
  [ -r "$1" ] || return 0
  while IFS= read -r vigil_line || [ -n "$vigil_line" ]; do
    printf '%s\\n' "$vigil_line"
    case $vigil_line in "$2"*) break ;; esac
  done < "$1"
}
vigil_copy_cpu_lines() {
  [ -r /proc/stat ] || return 0
  while IFS= read -r vigil_line; do
    case $vigil_line in
      cpu*) printf '%s\\n' "$vigil_line" ;;
      *) break ;;
    esac
  done < /proc/stat
}
printf '@@vigil ${POLL_SCRIPT_VERSION}\\n'
printf '@@uptime\\n'
vigil_copy /proc/uptime 2>/dev/null
printf '@@netdev\\n'
vigil_copy /proc/net/dev 2>/dev/null
printf '@@stat\\n'
vigil_copy_cpu_lines 2>/dev/null
printf '@@loadavg\\n'
vigil_copy /proc/loadavg 2>/dev/null
printf '@@meminfo\\n'
vigil_copy_through /proc/meminfo SwapFree: 2>/dev/null
printf '@@df\\n'
df -Pk 2>/dev/null
printf '@@end\\n'
`;
