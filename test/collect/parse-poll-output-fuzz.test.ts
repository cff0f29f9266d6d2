import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildSample } from '../../lib/collect/build-sample.ts';
import { POLL_SECTIONS, parsePollOutput } from '../../lib/collect/parse-poll-output.ts';
import type { HostSnapshot, Sample } from '../../lib/collect/sample.ts';

const captures = [1, 2].map((n) => readFileSync(new URL(`../fixtures/hosts/debian12-vm-2core/poll-output-v2-${n}.txt`, import.meta.url), 'utf8'));
const MARKERS = ['shell', 'stat', 'meminfo', 'cpuinfo', 'virtualnet', 'files', 'df', 'gpu', 'units', 'os', 'end'];
const HEAD_PATHS = ['/proc/uptime', '/proc/net/dev', '/proc/diskstats', '/proc/loadavg', '/proc/pressure/io', '/etc/os-release', '/proc/1/stat', '/proc/1/cmdline'];
const [firstCapture = '', secondCapture = ''] = captures;
const baseline = parsePollOutput(firstCapture);

/** mulberry32: a tiny seeded PRNG, so a failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function assertSaneNumbers(value: unknown, path: string): void {
  if (typeof value === 'number') {
    assert.ok(Number.isFinite(value) && value >= 0, `${path} is ${value}`);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => assertSaneNumbers(item, `${path}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) assertSaneNumbers(item, `${path}.${key}`);
  }
}

function assertPct(value: number | null, path: string): void {
  if (value !== null) assert.ok(value >= 0 && value <= 100, `${path} is ${value}`);
}

function checkSnapshot(snapshot: HostSnapshot, previous: HostSnapshot | undefined, context: string): Sample {
  assertSaneNumbers(snapshot, `${context} snapshot`);
  const sample = buildSample('fuzz', 1, snapshot, previous, { processPatterns: ['postgres', '^/usr', 'a|b'] });
  assertSaneNumbers(sample, `${context} sample`);
  assertPct(sample.cpuBusyPct, `${context} cpuBusyPct`);
  for (const [mode, pct] of Object.entries(sample.cpuModes ?? {})) assertPct(pct, `${context} cpuModes.${mode}`);
  for (const pct of sample.perCoreBusyPct ?? []) assertPct(pct, `${context} perCoreBusyPct`);
  for (const disk of sample.disks ?? []) assertPct(disk.busyPct, `${context} disk busyPct`);
  for (const fs of sample.filesystems) assertPct(fs.inodesUsedPct ?? null, `${context} inodesUsedPct`);
  for (const gpu of sample.gpus ?? []) assertPct(gpu.utilizationPct, `${context} gpu utilizationPct`);
  for (const p of sample.processes?.topCpu ?? []) assert.ok(p.cpuPct <= 100 * (sample.cpuCount ?? 1), `${context} cpuPct ${p.cpuPct}`);
  assertPct(sample.memUsedPct, `${context} memUsedPct`);
  assertPct(sample.diskUsedPctMax, `${context} diskUsedPctMax`);
  for (const fs of snapshot.filesystems ?? []) assertPct(fs.usedPct, `${context} usedPct`);
  return sample;
}

const ALPHABET = '0123456789 \t\n:-./%@abcdefxyzAZ|()\r\u0000\u00ff';

function randomText(random: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)] ?? '';
  return text;
}

function mutateLines(random: () => number, capture: string): string {
  const lines = capture.split('\n');
  const edits = 1 + Math.floor(random() * 6);
  for (let e = 0; e < edits; e++) {
    const i = Math.floor(random() * lines.length);
    const line = lines[i] ?? '';
    switch (Math.floor(random() * 7)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, line);
        break;
      case 2: {
        const at = Math.floor(random() * (line.length + 1));
        lines[i] = line.slice(0, at) + randomText(random, 1 + Math.floor(random() * 5)) + line.slice(at + 1);
        break;
      }
      case 3: {
        const numbers = [...line.matchAll(/\d+/g)];
        const target = numbers[Math.floor(random() * numbers.length)];
        if (target !== undefined) {
          const replacement = ['-1', '-0', '99999999999999999999', '1e308', ''][Math.floor(random() * 5)] ?? '';
          lines[i] = line.slice(0, target.index) + replacement + line.slice(target.index + target[0].length);
        }
        break;
      }
      case 4:
        lines[i] = line.replace(/\d/g, () => String(Math.floor(random() * 10)));
        break;
      case 5:
        lines[i] = line.replace(/ +/g, ' ');
        break;
      default:
        lines[i] = line + randomText(random, Math.floor(random() * 40));
    }
  }
  return lines.join('\n');
}

void test('random bytes never throw and never yield bad numbers', () => {
  const random = prng(1);
  for (let n = 0; n < 1500; n++) {
    const bytes = Buffer.alloc(Math.floor(random() * 3000));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
    const marker = MARKERS[n % MARKERS.length] ?? 'files';
    const headPath = HEAD_PATHS[n % HEAD_PATHS.length] ?? '/proc/uptime';
    const text =
      random() < 0.3 ? bytes.toString('utf8')
      : random() < 0.5 ? `@@vigil 2\n@@${marker}\n${bytes.toString('latin1')}`
      : `@@vigil 2\n@@files\n==> ${headPath} <==\n${bytes.toString('latin1')}\n@@df\n@@end\n`;
    const snapshot = parsePollOutput(text);
    checkSnapshot(snapshot, baseline, `random case ${n}`);
    checkSnapshot(baseline, snapshot, `random case ${n} as previous`);
  }
});

void test('every truncation of a real capture names exactly the sections it lost', () => {
  const markers = [...firstCapture.matchAll(/^@@([a-z]+)$/gm)].map((m) => ({ name: m[1] ?? '', at: m.index }));
  const markerAt = (name: string): number => markers.find((m) => m.name === name)?.at ?? NaN;
  const nextMarkerAt = (name: string): number => markers[markers.findIndex((m) => m.name === name) + 1]?.at ?? NaN;
  // A section is whole once the next marker line has begun; the files end only at a complete "\n@@df\n".
  const wholeFrom: Record<string, number> = {
    stat: nextMarkerAt('stat') + 3,
    meminfo: nextMarkerAt('meminfo') + 3,
    df: nextMarkerAt('df') + 3,
  };
  for (const name of ['uptime', 'netdev', 'loadavg', 'diskstats', 'processes', 'facts']) wholeFrom[name] = markerAt('df') + 5;
  const random = prng(2);
  const cuts = new Set<number>();
  for (let n = 0; n < 1000; n++) cuts.add(Math.floor(random() * firstCapture.length));
  for (const marker of markers) for (const delta of [-1, 0, 3, 4, 5, 6]) cuts.add(Math.max(0, marker.at + delta));
  for (const cut of cuts) {
    if (cut >= markerAt('end') + 5) continue;
    const text = firstCapture.slice(0, cut);
    const snapshot = parsePollOutput(text);
    checkSnapshot(snapshot, baseline, `cut at ${cut}`);
    assert.ok(snapshot.missing.includes('end'), `cut at ${cut} does not name end`);
    for (const section of POLL_SECTIONS) {
      const from = wholeFrom[section];
      assert.ok(from !== undefined && Number.isFinite(from), section);
      assert.equal(snapshot.missing.includes(section), cut < from, `cut at ${cut}: section ${section}`);
    }
  }
});

void test('deleted, duplicated and mutated lines never throw and never yield bad numbers', () => {
  const random = prng(3);
  for (let n = 0; n < 600; n++) {
    const current = parsePollOutput(mutateLines(random, secondCapture));
    const previous = random() < 0.5 ? parsePollOutput(mutateLines(random, firstCapture)) : baseline;
    checkSnapshot(current, previous, `mutation case ${n}`);
  }
});

void test('huge lines in every section and every copied file never throw', () => {
  const fillers = ['9'.repeat(1_000_000), ' 1'.repeat(500_000), 'a '.repeat(500_000), `/dev/x ${'1 '.repeat(4000)}1% /`, '('.repeat(100_000) + ') '.repeat(100_000)];
  for (const filler of fillers) {
    const places = [...MARKERS.map((name) => `@@${name}\n`), ...HEAD_PATHS.map((path) => `==> ${path} <==\n`)];
    for (const place of places) {
      const text = firstCapture.replace(place, `${place}${filler}\n`);
      const snapshot = parsePollOutput(text);
      checkSnapshot(snapshot, baseline, `huge line after ${place.trim()}`);
    }
  }
});
