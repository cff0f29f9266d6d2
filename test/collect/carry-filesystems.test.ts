import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildSample } from '../../lib/collect/build-sample.ts';
import { carryFilesystems, carryFilesystemsInPlace, filesystemsReadAt } from '../../lib/collect/carry-filesystems.ts';
import { parsePollOutput } from '../../lib/collect/parse-poll-output.ts';
import { pollScriptFor } from '../../lib/collect/poll-schedule.ts';
import type { HostSnapshot } from '../../lib/collect/sample.ts';
import { previousAcrossSources } from '../../services/worker/poll-source.ts';

const [first, second] = [1, 2].map((n) =>
  parsePollOutput(readFileSync(new URL(`../fixtures/hosts/debian12-vm-2core/poll-output-v2-${n}.txt`, import.meta.url), 'utf8')));
assert.ok(first && second);
const T0 = Date.UTC(2026, 10, 24, 3, 0, 0);

/** What the light script (version 5) gives at the moment of `full`: no df, processes, facts or failed units. */
function lightOf(full: HostSnapshot): HostSnapshot {
  return { ...full, script: 'light', filesystems: null, processes: null, facts: null, failedUnits: null };
}

void test('a full poll stamps its filesystems with its time; the light polls after it carry them and that time', () => {
  const full = carryFilesystems(first, undefined, T0);
  assert.equal(full.filesystemsAt, T0);
  assert.equal(full.filesystems, first.filesystems);
  let previous = full;
  for (let poll = 1; poll <= 5; poll++) {
    const light = carryFilesystems(lightOf(second), previous, T0 + poll * 10_000);
    assert.deepEqual(light.filesystems, first.filesystems, `light poll ${poll}`);
    assert.equal(light.filesystemsAt, T0, `light poll ${poll}: the full poll's time, not its own`);
    assert.deepEqual(light.missing, []);
    previous = light;
  }
  const nextFull = carryFilesystems(second, previous, T0 + 60_000);
  assert.equal(nextFull.filesystemsAt, T0 + 60_000);
  assert.equal(nextFull.filesystems, second.filesystems);
});

void test('a light sample shows the carried filesystems, the fullest one and their time, and lists nothing missing', () => {
  const full = carryFilesystems(first, undefined, T0);
  const fullSample = buildSample('vm', T0, full, undefined);
  const light = carryFilesystems(lightOf(second), full, T0 + 10_000);
  const lightSample = buildSample('vm', T0 + 10_000, light, full, { previousFull: full });
  assert.equal(lightSample.pollScript, 'light');
  assert.deepEqual(lightSample.missing, []);
  assert.deepEqual(lightSample.filesystems, fullSample.filesystems);
  assert.ok(lightSample.filesystems.some((fs) => fs.mount === '/'));
  assert.equal(lightSample.diskUsedPctMax, fullSample.diskUsedPctMax);
  assert.ok(lightSample.diskUsedPctMax !== null);
  assert.equal(fullSample.filesystemsAt, T0);
  assert.equal(lightSample.filesystemsAt, T0);
  // The host's choice of pseudo filesystems applies to carried ones as to read ones.
  const withPseudo = buildSample('vm', T0 + 10_000, light, full, { includePseudoFilesystems: true });
  assert.ok(withPseudo.filesystems.length > lightSample.filesystems.length);
  assert.ok(withPseudo.filesystems.some((fs) => fs.fsType === 'tmpfs'));
});

void test('nothing to carry: the light sample has no filesystems and no time, and still misses nothing', () => {
  const alone = carryFilesystems(lightOf(second), undefined, T0);
  assert.equal(alone.filesystems, null);
  assert.equal(alone.filesystemsAt, null);
  const sample = buildSample('vm', T0, alone, undefined);
  assert.deepEqual(sample.filesystems, []);
  assert.equal(sample.filesystemsAt, null);
  assert.equal(sample.diskUsedPctMax, null);
  assert.deepEqual(sample.missing, []);
  // A full poll whose df gave nothing: missing there, and nothing for the light polls after it to carry.
  const broken = carryFilesystems({ ...first, filesystems: null, missing: ['df'] }, undefined, T0);
  assert.equal(broken.filesystemsAt, null);
  assert.deepEqual(buildSample('vm', T0, broken, undefined).missing, ['df']);
  const after = carryFilesystems(lightOf(second), broken, T0 + 10_000);
  assert.equal(after.filesystems, null);
  assert.equal(after.filesystemsAt, null);
  assert.deepEqual(buildSample('vm', T0 + 10_000, after, broken).missing, []);
});

void test('a snapshot nothing stamped (another source, an older caller) gives its filesystems the sample\'s time', () => {
  assert.equal(filesystemsReadAt(first, T0), T0);
  assert.equal(filesystemsReadAt({ ...first, filesystems: null }, T0), null);
  assert.equal(buildSample('vm', T0, first, undefined).filesystemsAt, T0);
  // Carried from an unstamped snapshot: the filesystems, with their time unknown.
  const light = carryFilesystems(lightOf(second), first, T0 + 10_000);
  assert.equal(light.filesystems, first.filesystems);
  assert.equal(light.filesystemsAt, null);
});

void test('node_exporter, then an SSH light poll standing in for it: the exporter\'s filesystems carry over with their time', () => {
  const scraped = carryFilesystems({ ...first, source: 'node_exporter' }, undefined, T0);
  const fallback = carryFilesystems(lightOf(second), previousAcrossSources(scraped, 'ssh'), T0 + 10_000);
  assert.equal(fallback.filesystems, first.filesystems);
  assert.equal(fallback.filesystemsAt, T0);
});

void test('the first poll of a host is full, so a light poll always has a full one before it', () => {
  assert.equal(pollScriptFor({ intervalSec: 10 }, null), 'full');
  assert.equal(pollScriptFor({ intervalSec: 1 }, null), 'full');
  assert.equal(pollScriptFor({ intervalSec: 10, processesEverySec: 3600 }, null), 'full');
});

void test('real version-5 captures: the light poll 2 s after the full one shows its filesystems and time, and its own rates', () => {
  const read = (name: string): HostSnapshot =>
    parsePollOutput(readFileSync(new URL(`../fixtures/hosts/debian12-vm-2core-v5/poll-output-${name}.txt`, import.meta.url), 'utf8'));
  const full = carryFilesystems(read('full'), undefined, T0);
  const light = carryFilesystems(read('light'), full, T0 + 2_000);
  const sample = buildSample('vm', T0 + 2_000, light, full, { previousFull: full });
  assert.equal(sample.pollScript, 'light');
  assert.deepEqual(sample.missing, []);
  assert.equal(sample.filesystemsAt, T0);
  assert.deepEqual(sample.filesystems, buildSample('vm', T0, full, undefined).filesystems);
  assert.ok(sample.filesystems.some((fs) => fs.mount === '/' && fs.fsType === 'ext4'));
  assert.ok(sample.cpuBusyPct !== null && sample.netRxBytesPerSec !== null, 'rates against the full poll');
});

void test('carried in place, a snapshot gets what the copy gets, in the same order of fields', () => {
  const full = carryFilesystems(first, undefined, T0);
  const cases: Array<[HostSnapshot, HostSnapshot | undefined]> = [
    [second, undefined],
    [lightOf(second), full],
    [lightOf(second), first],
    [lightOf(second), undefined],
    [{ ...first, filesystems: null, missing: ['df'] }, full],
  ];
  for (const [current, previous] of cases) {
    const copied = carryFilesystems(current, previous, T0 + 10_000);
    const own = { ...current };
    const stamped = carryFilesystemsInPlace(own, previous, T0 + 10_000);
    assert.equal(stamped, own, 'the snapshot itself');
    assert.equal(JSON.stringify(stamped), JSON.stringify(copied));
    assert.deepEqual(Object.keys(stamped), Object.keys(copied));
  }
});
