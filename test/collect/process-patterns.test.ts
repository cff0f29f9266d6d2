import { test } from 'node:test';
import assert from 'node:assert/strict';

import { compileProcessPattern, processPatternProblem, readProcessPatterns } from '../../lib/collect/process-patterns.ts';

const invalid = (message: string): never => {
  throw new Error(message);
};

void test('extended regexes, as pgrep -f reads them', () => {
  assert.ok(compileProcessPattern('^nginx: master')?.test('nginx: master process /usr/sbin/nginx'));
  assert.ok(compileProcessPattern('java .*kafka')?.test('/usr/bin/java -Xmx1g kafka.Kafka'));
  assert.equal(compileProcessPattern('postgres$')?.test('postgres: checkpointer'), false);
});

void test('patterns prone to catastrophic backtracking, back-references, bad syntax and long ones are refused', () => {
  for (const pattern of ['(a+)+$', '(\\w*)*x', '(a|aa){2,}b', '(x)\\1', '(', 'a'.repeat(201), '']) {
    assert.notEqual(processPatternProblem(pattern), null, pattern);
    assert.equal(compileProcessPattern(pattern), null, pattern);
  }
  assert.equal(processPatternProblem('(nginx|apache2)'), null);
});

void test('the inventory value: a YAML list, an INI list in JSON or Python quoting, or one string', () => {
  assert.deepEqual(readProcessPatterns(['nginx', 'sshd'], invalid), ['nginx', 'sshd']);
  assert.deepEqual(readProcessPatterns('["nginx", "postgres: checkpointer"]', invalid), ['nginx', 'postgres: checkpointer']);
  assert.deepEqual(readProcessPatterns("['nginx', 'it\\'s']", invalid), ['nginx', "it's"]);
  assert.deepEqual(readProcessPatterns('nginx', invalid), ['nginx']);
  assert.equal(readProcessPatterns(undefined, invalid), undefined);
  assert.throws(() => readProcessPatterns('["(a+)+"]', invalid), /catastrophic/);
  assert.throws(() => readProcessPatterns('[nginx', invalid), /list of patterns/);
  assert.throws(() => readProcessPatterns([1], invalid), /strings/);
});
