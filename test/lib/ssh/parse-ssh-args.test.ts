import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jumpHostsFromProxyCommand, parseProxyJump, parseSshArgs, SshArgsError } from '../../../lib/ssh/parse-ssh-args.ts';

void test('reads -o Key=Value, -oKey=Value, -o "Key Value" and -J; the first value wins, as in ssh', () => {
  assert.deepEqual(parseSshArgs(['-o', 'ProxyJump=a', '-oProxyJump=b']), { proxyJump: 'a', proxyCommand: null, strictHostKeyChecking: null });
  assert.deepEqual(parseSshArgs(['-J', 'a', '-o', 'proxyjump b']).proxyJump, 'a');
  assert.deepEqual(parseSshArgs(['-Ja,b']).proxyJump, 'a,b');
  assert.equal(parseSshArgs(['-o', 'StrictHostKeyChecking = accept-new']).strictHostKeyChecking, 'accept-new');
  assert.equal(parseSshArgs(['-o', 'ProxyCommand=ssh -W %h:%p b']).proxyCommand, 'ssh -W %h:%p b');
  // Other options and their values are skipped, including a value that looks like a flag's.
  assert.deepEqual(parseSshArgs(['-C', '-i', '-J', '-o', 'ControlMaster=auto']), { proxyJump: null, proxyCommand: null, strictHostKeyChecking: null });
  assert.throws(() => parseSshArgs(['-o']), SshArgsError);
});

void test('ProxyJump hops: user, port, ssh:// URIs, IPv6, several hops, none', () => {
  assert.deepEqual(parseProxyJump('jump.example'), [{ address: 'jump.example', port: 22, user: null }]);
  assert.deepEqual(parseProxyJump('ops@b1:2201,ssh://root@b2:2202'), [
    { address: 'b1', port: 2201, user: 'ops' },
    { address: 'b2', port: 2202, user: 'root' },
  ]);
  assert.deepEqual(parseProxyJump('u@[::1]:2222'), [{ address: '::1', port: 2222, user: 'u' }]);
  assert.deepEqual(parseProxyJump('fe80::1'), [{ address: 'fe80::1', port: 22, user: null }]);
  assert.deepEqual(parseProxyJump('none'), []);
  assert.throws(() => parseProxyJump('b1:port'), SshArgsError);
  assert.throws(() => parseProxyJump('b1:70000'), SshArgsError);
  assert.throws(() => parseProxyJump('@b1'), SshArgsError);
});

void test('ProxyCommand "ssh -W %h:%p bastion" is a jump; -l, -p and an inner -J are honoured', () => {
  assert.deepEqual(jumpHostsFromProxyCommand(['ssh', '-W', '%h:%p', '-q', 'ops@bastion']), [{ address: 'bastion', port: 22, user: 'ops' }]);
  assert.deepEqual(jumpHostsFromProxyCommand(['/usr/bin/ssh', '-q', '-l', 'ops', '-p', '2201', '-W', '[%h]:%p', 'bastion']), [
    { address: 'bastion', port: 2201, user: 'ops' },
  ]);
  assert.deepEqual(jumpHostsFromProxyCommand(['ssh', '-J', 'outer:2200', '-W', '%h:%p', 'inner']), [
    { address: 'outer', port: 2200, user: null },
    { address: 'inner', port: 22, user: null },
  ]);
});

void test('any other ProxyCommand is refused with a way out', () => {
  assert.throws(() => jumpHostsFromProxyCommand(['nc', '-X', 'connect', '-x', 'proxy:3128', '%h', '%p']), /not supported: use ProxyJump/);
  assert.throws(() => jumpHostsFromProxyCommand(['ssh', 'bastion', 'nc', '%h', '%p']), /not supported/);
});
