// Scripts the poll benchmark runs beside the current ones (`--script-variants`), so that a change
// to the scripts is measured against what it replaces in the same run, on the same hosts and load.
// Never sent by the worker. Each keeps its kind: the simulator and the "full polls" column read it.
import type { PollScriptKind } from '../lib/collect/poll-script.ts';

export interface ScriptVariant {
  kind: PollScriptKind;
  text: string;
}

/** Version 3, verbatim: /proc/stat's cpu lines and meminfo read by the shell, the other files by head (16 kB cap). */
const LIGHT_V3 = `# vigil-poll-script 3 light
LC_ALL=C
export LC_ALL
printf '@@vigil 3 light\\n'
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
printf '@@virtualnet\\n'
for vigil_path in /sys/devices/virtual/net/*; do
  [ -e "$vigil_path" ] && printf '%s\\n' "\${vigil_path##*/}"
done
printf '@@files\\n'
head -c 16384 /proc/uptime /proc/net/dev /proc/diskstats /proc/loadavg /proc/pressure/cpu /proc/pressure/io /proc/pressure/memory 2>/dev/null
printf '\\n@@df\\n'
df -k --output=source,fstype,size,used,avail,itotal,iused,target 2>/dev/null || df -Pk 2>/dev/null
if command -v nvidia-smi >/dev/null 2>&1; then
  printf '@@gpu\\n'
  nvidia-smi --query-gpu=index,uuid,name,temperature.gpu,utilization.gpu,utilization.memory,memory.total,memory.used,memory.free,power.draw,power.limit --format=csv,noheader,nounits 2>/dev/null
fi
printf '@@end\\n'
`;

const FULL_V3 = `# vigil-poll-script 3 full
LC_ALL=C
export LC_ALL
printf '@@vigil 3 full\\n'
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
head -c 16384 /proc/uptime /proc/net/dev /proc/diskstats /proc/loadavg /proc/pressure/cpu /proc/pressure/io /proc/pressure/memory /proc/sys/kernel/hostname /proc/sys/kernel/osrelease /proc/sys/kernel/arch /etc/os-release /proc/[0-9]*/stat /proc/[0-9]*/cmdline 2>/dev/null
printf '\\n@@df\\n'
df -k --output=source,fstype,size,used,avail,itotal,iused,target 2>/dev/null || df -Pk 2>/dev/null
if command -v nvidia-smi >/dev/null 2>&1; then
  printf '@@gpu\\n'
  nvidia-smi --query-gpu=index,uuid,name,temperature.gpu,utilization.gpu,utilization.memory,memory.total,memory.used,memory.free,power.draw,power.limit --format=csv,noheader,nounits 2>/dev/null
fi
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  printf '@@units\\n'
  systemctl list-units --state=failed --no-legend --plain --no-pager 2>/dev/null
fi
printf '@@end\\n'
`;

/** Version 4, verbatim: the light script ran df on every poll until version 5 left it to the full one. */
const LIGHT_V4 = `# vigil-poll-script 4 light
LC_ALL=C
export LC_ALL
printf '@@vigil 4 light\\n'
if [ ! -r /proc/stat ]; then
  printf '@@os\\n'
  uname -s 2>/dev/null
  printf '@@end\\n'
  exit 0
fi
printf '@@shell\\n%s\\n' "$$"
printf '@@virtualnet\\n'
for vigil_path in /sys/devices/virtual/net/*; do
  [ -e "$vigil_path" ] && printf '%s\\n' "\${vigil_path##*/}"
done
printf '@@files\\n'
head -c 65536 /proc/uptime /proc/stat /proc/meminfo /proc/net/dev /proc/diskstats /proc/loadavg /proc/pressure/cpu /proc/pressure/io /proc/pressure/memory 2>/dev/null
printf '\\n@@df\\n'
df -k --output=source,fstype,size,used,avail,itotal,iused,target 2>/dev/null || df -Pk 2>/dev/null
if command -v nvidia-smi >/dev/null 2>&1; then
  printf '@@gpu\\n'
  nvidia-smi --query-gpu=index,uuid,name,temperature.gpu,utilization.gpu,utilization.memory,memory.total,memory.used,memory.free,power.draw,power.limit --format=csv,noheader,nounits 2>/dev/null
fi
printf '@@end\\n'
`;

/**
 * Version 3's light script with head's files read by the shell instead, at most 256 lines each,
 * in head's layout: one process less, one system call per byte more (the alternative measured for
 * issue #4 before version 4 moved every file into head instead; see BENCHMARKS.md).
 */
const LIGHT_SHELL_READS = `# vigil-poll-script 3 light
LC_ALL=C
export LC_ALL
printf '@@vigil 3 light\\n'
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
printf '@@virtualnet\\n'
for vigil_path in /sys/devices/virtual/net/*; do
  [ -e "$vigil_path" ] && printf '%s\\n' "\${vigil_path##*/}"
done
printf '@@files\\n'
for vigil_path in /proc/uptime /proc/net/dev /proc/diskstats /proc/loadavg /proc/pressure/cpu /proc/pressure/io /proc/pressure/memory; do
  {
    printf '\\n==> %s <==\\n' "$vigil_path"
    vigil_lines=0
    while [ $vigil_lines -lt 256 ] && { IFS= read -r vigil_line || [ -n "$vigil_line" ]; }; do
      printf '%s\\n' "$vigil_line"
      vigil_lines=$((vigil_lines + 1))
    done
  } 2>/dev/null < "$vigil_path"
done
printf '\\n@@df\\n'
df -k --output=source,fstype,size,used,avail,itotal,iused,target 2>/dev/null || df -Pk 2>/dev/null
if command -v nvidia-smi >/dev/null 2>&1; then
  printf '@@gpu\\n'
  nvidia-smi --query-gpu=index,uuid,name,temperature.gpu,utilization.gpu,utilization.memory,memory.total,memory.used,memory.free,power.draw,power.limit --format=csv,noheader,nounits 2>/dev/null
fi
printf '@@end\\n'
`;

export const SCRIPT_VARIANTS: Readonly<Record<string, ScriptVariant>> = {
  'light v3': { kind: 'light', text: LIGHT_V3 },
  'full v3': { kind: 'full', text: FULL_V3 },
  'light, shell reads': { kind: 'light', text: LIGHT_SHELL_READS },
  'light v4': { kind: 'light', text: LIGHT_V4 },
  // What df cost a light poll of version 4: the same script without it (an empty @@df section).
  'light without df': { kind: 'light', text: LIGHT_V4.replace(/^df .*\n/m, '') },
  // The floor of any poll over SSH: sshd's session and the shell that runs the command, which here
  // runs nothing but one builtin. What a script costs the host is its figure minus this one.
  empty: { kind: 'light', text: "printf '@@end\\n'\n" },
};
