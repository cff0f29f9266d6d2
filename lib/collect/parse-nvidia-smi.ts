import type { GpuReading } from './sample.ts';
import { parseCount, parseUnsignedDecimal } from './parse-count.ts';

const MIB = 1024 * 1024;

/**
 * `nvidia-smi --query-gpu=GPU_QUERY --format=csv,noheader,nounits`: one line per GPU, comma-separated.
 * A value the GPU does not support reads "[N/A]" or "[Not Supported]" and becomes null.
 * No GPU line is null.
 */
export function parseNvidiaSmi(text: string): GpuReading[] | null {
  const gpus: GpuReading[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(',').map((field) => field.trim());
    if (fields.length < 11) continue;
    const [indexText, uuid = '', name = '', temperature, utilization, memoryUtilization, memoryTotal, memoryUsed, , powerDraw, powerLimit] = fields;
    const index = parseCount(indexText);
    if (index === null || name === '') continue;
    const total = parseUnsignedDecimal(memoryTotal);
    const used = parseUnsignedDecimal(memoryUsed);
    gpus.push({
      index,
      uuid: uuid.slice(0, 100),
      name: name.slice(0, 200),
      utilizationPct: pct(parseUnsignedDecimal(utilization)),
      memoryUtilizationPct: pct(parseUnsignedDecimal(memoryUtilization)),
      memoryUsedBytes: used === null ? null : used * MIB,
      memoryTotalBytes: total === null ? null : total * MIB,
      temperatureC: parseUnsignedDecimal(temperature),
      powerDrawW: parseUnsignedDecimal(powerDraw),
      powerLimitW: parseUnsignedDecimal(powerLimit),
    });
  }
  return gpus.length > 0 ? gpus : null;
}

function pct(value: number | null): number | null {
  return value === null ? null : Math.min(100, value);
}
