import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSample } from '../../lib/collect/build-sample.ts';
import { parsePollOutput } from '../../lib/collect/parse-poll-output.ts';
import { renderPollOutput } from '../../lib/simulator/render-poll-output.ts';
import { advanceHostState, createHostState, rebootHostState } from '../../lib/simulator/simulated-host-state.ts';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

void test('every section the poll script prints is rendered and parses, for hosts of every shape', () => {
  for (let i = 0; i < 200; i++) {
    const state = createHostState(`host-${i}`, 7, T0);
    const snapshot = parsePollOutput(renderPollOutput(state));
    assert.deepEqual(snapshot.missing, [], `host-${i}: ${snapshot.missing.join(', ')} missing`);
    assert.equal(snapshot.cpuCount, state.cpus.length);
    assert.ok(snapshot.uptimeSec !== null && Math.abs(snapshot.uptimeSec - state.uptimeSec) < 0.01);
    assert.equal(snapshot.memory?.totalBytes, state.memTotalKb * 1024);
    assert.deepEqual(snapshot.interfaces?.map((iface) => iface.name), state.interfaces.map((iface) => iface.name));
    assert.deepEqual(snapshot.filesystems?.map((fs) => fs.mount), state.filesystems.map((fs) => fs.mount));
  }
});

void test('two polls ten seconds apart give plausible rates: counters grew at the host rates', () => {
  for (let i = 0; i < 50; i++) {
    const state = createHostState(`host-${i}`, 7, T0);
    const first = parsePollOutput(renderPollOutput(state));
    advanceHostState(state, T0 + 10_000);
    const second = parsePollOutput(renderPollOutput(state));
    const sample = buildSample(state.name, T0 + 10_000, second, first);
    assert.ok(second.uptimeSec !== null && first.uptimeSec !== null);
    assert.ok(Math.abs(second.uptimeSec - first.uptimeSec - 10) < 0.02, 'uptime advances with the clock');
    assert.ok(sample.cpuBusyPct !== null && sample.cpuBusyPct > 0 && sample.cpuBusyPct <= 100, `busy ${sample.cpuBusyPct}`);
    assert.ok(sample.netRxBytesPerSec !== null && sample.netRxBytesPerSec > 0, `rx ${sample.netRxBytesPerSec}`);
    assert.ok(sample.netTxBytesPerSec !== null && sample.netTxBytesPerSec > 0);
    // Each non-loopback interface was created with at most 50 MB/s, varied by at most 1.5x.
    const physical = state.interfaces.filter((iface) => iface.name !== 'lo').length;
    assert.ok(sample.netRxBytesPerSec < physical * 75e6, `rx ${sample.netRxBytesPerSec} is implausible`);
    for (const iface of sample.interfaces) assert.ok(iface.rxBytesPerSec >= 0 && iface.txBytesPerSec >= 0);
    assert.ok(sample.memUsedPct !== null && sample.memUsedPct > 0 && sample.memUsedPct < 100);
  }
});

void test('a reboot between polls restarts uptime and counters, so the rates are null and not negative', () => {
  const state = createHostState('host-reboot', 7, T0);
  const before = parsePollOutput(renderPollOutput(state));
  rebootHostState(state, T0 + 60_000);
  const after = parsePollOutput(renderPollOutput(state));
  assert.ok(after.uptimeSec !== null && before.uptimeSec !== null && after.uptimeSec < before.uptimeSec);
  assert.ok(after.uptimeSec < 60);
  const sample = buildSample(state.name, T0 + 60_000, after, before);
  assert.equal(sample.cpuBusyPct, null);
  assert.equal(sample.netRxBytesPerSec, null);
  assert.equal(sample.netTxBytesPerSec, null);
  assert.deepEqual(sample.interfaces, []);
  advanceHostState(state, T0 + 70_000);
  const next = buildSample(state.name, T0 + 70_000, parsePollOutput(renderPollOutput(state)), after);
  assert.ok(next.cpuBusyPct !== null && next.cpuBusyPct >= 0, 'rates resume on the poll after the reboot');
});

void test('the same name and seed give the same host; other names give other hosts', () => {
  assert.equal(renderPollOutput(createHostState('a', 3, T0)), renderPollOutput(createHostState('a', 3, T0)));
  assert.notEqual(renderPollOutput(createHostState('a', 3, T0)), renderPollOutput(createHostState('b', 3, T0)));
});

void test('the light script is answered too: nothing missing, no processes, facts or filesystems (no df)', () => {
  for (let i = 0; i < 50; i++) {
    const state = createHostState(`host-${i}`, 7, T0);
    const light = renderPollOutput(state, 'light');
    const snapshot = parsePollOutput(light);
    assert.equal(snapshot.script, 'light');
    assert.deepEqual(snapshot.missing, [], `host-${i}: ${snapshot.missing.join(', ')} missing`);
    assert.equal(snapshot.processes, null);
    assert.ok(light.length < renderPollOutput(state, 'full').length);
    assert.doesNotMatch(light, /@@cpuinfo|@@units|\/cmdline/);
    assert.doesNotMatch(light, /^@@df$/m);
    assert.equal(snapshot.filesystems, null);
    assert.equal(snapshot.cpuCount, state.cpus.length);
    assert.ok(snapshot.disks !== null && snapshot.interfaces !== null && snapshot.memory !== null);
  }
});

void test('CPU and memory come as head-copied files, as the script prints them since version 4', () => {
  const state = createHostState('host-files', 7, T0);
  for (const kind of ['light', 'full'] as const) {
    const output = renderPollOutput(state, kind);
    assert.doesNotMatch(output, /^@@(stat|meminfo)$/m);
    assert.match(output, /^==> \/proc\/stat <==\ncpu {2}\d/m);
    assert.match(output, /^==> \/proc\/meminfo <==\nMemTotal:/m);
    assert.equal(parsePollOutput(output).cpuCount, state.cpus.length);
  }
});
