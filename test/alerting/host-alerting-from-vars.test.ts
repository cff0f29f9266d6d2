import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostAlertingFromVars } from '../../lib/alerting/host-alerting-from-vars.ts';

const invalid = (variable: string, message: string): never => {
  throw new Error(`${variable} ${message}`);
};

void test('no variables: nothing, so the target keeps its plain shape', () => {
  assert.deepEqual(hostAlertingFromVars({ ansible_host: 'x' }, invalid), {});
});

void test('a dict from group_vars YAML', () => {
  const vars = {
    vigil_down_after: 5,
    vigil_thresholds: { cpu_busy: { warning: 90, critical: 98 }, filesystem_used: { '/data': { warning: 95 }, '/boot': false, for: '5m' }, swap_used: false },
    vigil_maintenance: [{ days: ['sun'], start: '02:00', end: '04:00' }],
  };
  assert.deepEqual(hostAlertingFromVars(vars, invalid), {
    alerting: {
      downAfter: 5,
      thresholds: {
        cpu_busy: { levels: { warning: 90, critical: 98 } },
        filesystem_used: { forMs: 300_000, items: { '/data': { levels: { warning: 95 } }, '/boot': { enabled: false } } },
        swap_used: { enabled: false },
      },
      maintenance: [{ days: ['sun'], start: '02:00', end: '04:00' }],
    },
  });
});

void test('text from an INI inventory, in YAML flow or Python dict syntax', () => {
  assert.deepEqual(hostAlertingFromVars({ vigil_down_after: '4', vigil_thresholds: "{'cpu_busy': {'warning': '85', 'recover_at': 70}}" }, invalid), {
    alerting: { downAfter: 4, thresholds: { cpu_busy: { levels: { warning: 85 }, recoverAt: 70 } } },
  });
  assert.deepEqual(hostAlertingFromVars({ vigil_thresholds: '{ gpu_temperature: { critical: null } }' }, invalid), {
    alerting: { thresholds: { gpu_temperature: { levels: { critical: null } } } },
  });
});

void test('vigil_availability_target: a percentage, from YAML or INI text', () => {
  assert.deepEqual(hostAlertingFromVars({ vigil_availability_target: 99.9 }, invalid), { alerting: { availabilityTargetPct: 99.9 } });
  assert.deepEqual(hostAlertingFromVars({ vigil_availability_target: ' 99.95% ' }, invalid), { alerting: { availabilityTargetPct: 99.95 } });
  assert.deepEqual(hostAlertingFromVars({ vigil_availability_target: '100' }, invalid), { alerting: { availabilityTargetPct: 100 } });
  for (const bad of [0, 101, 'high', '99,9', -1, [99]]) {
    assert.throws(() => hostAlertingFromVars({ vigil_availability_target: bad }, invalid), /^Error: vigil_availability_target must be a percentage above 0 and at most 100/, String(bad));
  }
});

void test('vigil_status_name: the status page\'s name for the host, trimmed, at most 100 characters', () => {
  assert.deepEqual(hostAlertingFromVars({ vigil_status_name: ' Checkout API ' }, invalid), { alerting: { statusName: 'Checkout API' } });
  assert.deepEqual(hostAlertingFromVars({ vigil_status_name: '' }, invalid), {});
  for (const bad of ['   ', 'x'.repeat(101), ['a'], { a: 1 }]) {
    assert.throws(() => hostAlertingFromVars({ vigil_status_name: bad }, invalid), /^Error: vigil_status_name must be/, JSON.stringify(bad));
  }
});

void test('bad values name the variable', () => {
  assert.throws(() => hostAlertingFromVars({ vigil_down_after: 'soon' }, invalid), /^Error: vigil_down_after must be a whole number/);
  assert.throws(() => hostAlertingFromVars({ vigil_down_after: 0 }, invalid), /vigil_down_after/);
  assert.throws(() => hostAlertingFromVars({ vigil_thresholds: '[1, 2]' }, invalid), /vigil_thresholds must be a mapping/);
  assert.throws(() => hostAlertingFromVars({ vigil_thresholds: { cpu_busy: { warning: 'high' } } }, invalid), /vigil_thresholds\.cpu_busy\.warning must be a number/);
  assert.throws(() => hostAlertingFromVars({ vigil_thresholds: { cpu_busy: { warnign: 90 } } }, invalid), /unknown setting 'warnign'/);
  assert.throws(() => hostAlertingFromVars({ vigil_thresholds: { cpu_busy: { for: '2 min' } } }, invalid), /for must be a duration/);
  assert.throws(() => hostAlertingFromVars({ vigil_thresholds: '{ cpu_busy: [' }, invalid), /vigil_thresholds is not a mapping/);
});

void test('vigil_parents: a YAML list, or in an INI file a list as text, each name once', () => {
  assert.deepEqual(hostAlertingFromVars({ vigil_parents: ['sw1', 'sw2', 'sw1'] }, invalid), { alerting: { parents: ['sw1', 'sw2'] } });
  assert.deepEqual(hostAlertingFromVars({ vigil_parents: '[sw1, "sw-2"]' }, invalid), { alerting: { parents: ['sw1', 'sw-2'] } });
  assert.deepEqual(hostAlertingFromVars({ vigil_parents: "['sw1','sw2']" }, invalid), { alerting: { parents: ['sw1', 'sw2'] } });
  assert.deepEqual(hostAlertingFromVars({ vigil_parents: ' sw1, sw2 ' }, invalid), { alerting: { parents: ['sw1', 'sw2'] } });
  assert.deepEqual(hostAlertingFromVars({ vigil_parents: 'router' }, invalid), { alerting: { parents: ['router'] } });
  assert.deepEqual(hostAlertingFromVars({ vigil_parents: '' }, invalid), {});
  for (const bad of [{ sw1: true }, 5, ['sw1', ''], ['sw1', { name: 'x' }], '[sw1, [x]]', true]) {
    assert.throws(() => hostAlertingFromVars({ vigil_parents: bad }, invalid), /^Error: vigil_parents must be a list of inventory host names, got /, JSON.stringify(bad));
  }
});
