import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sshOptionsFromVars } from '../../lib/poll/ssh-options-from-vars.ts';

const invalid = (variable: string, message: string): never => {
  throw new Error(`${variable}: ${message}`);
};

void test('a host without SSH variables gets nothing, so its target keeps the plain shape', () => {
  assert.deepEqual(sshOptionsFromVars({ ansible_host: 'x', http_port: '80' }, invalid), {});
});

void test('passwords, inline keys and passphrases, by Ansible\'s names in its order', () => {
  assert.deepEqual(sshOptionsFromVars({ ansible_ssh_pass: 'p1' }, invalid), { password: 'p1' });
  // As Ansible's ssh plugin: the last of ansible_password, ansible_ssh_pass, ansible_ssh_password set wins.
  assert.deepEqual(sshOptionsFromVars({ ansible_password: 'p0', ansible_ssh_pass: 'p1' }, invalid), { password: 'p1' });
  assert.deepEqual(sshOptionsFromVars({ ansible_password: 'p0', ansible_ssh_pass: 'p1', ansible_ssh_password: 'p2' }, invalid), { password: 'p2' });
  assert.deepEqual(sshOptionsFromVars({ ansible_ssh_password: 'p2' }, invalid), { password: 'p2' });
  assert.deepEqual(
    sshOptionsFromVars({ ansible_ssh_private_key: '-----BEGIN…', ansible_ssh_private_key_passphrase: 'pp' }, invalid),
    { privateKey: '-----BEGIN…', privateKeyPassphrase: 'pp' },
  );
  assert.deepEqual(sshOptionsFromVars({ ansible_private_key_passphrase: 1234 }, invalid), { privateKeyPassphrase: '1234' });
});

void test('a secret of the wrong type is reported by variable name, never by value', () => {
  assert.throws(() => sshOptionsFromVars({ ansible_password: ['hunter2'] }, invalid), (err: Error) => {
    assert.match(err.message, /^ansible_password: must be a string/);
    assert.doesNotMatch(err.message, /hunter2/);
    return true;
  });
});

void test('ProxyJump from ansible_ssh_common_args (-o and -J), ProxyCommand ssh -W, and extra args', () => {
  assert.deepEqual(sshOptionsFromVars({ ansible_ssh_common_args: '-o ProxyJump=ops@b1:2201,b2' }, invalid).jumpHosts, [
    { address: 'b1', port: 2201, user: 'ops' },
    { address: 'b2', port: 22, user: null },
  ]);
  assert.deepEqual(sshOptionsFromVars({ ansible_ssh_extra_args: '-J b3' }, invalid).jumpHosts, [{ address: 'b3', port: 22, user: null }]);
  assert.deepEqual(
    sshOptionsFromVars({ ansible_ssh_common_args: '-o ProxyCommand="ssh -W %h:%p -q ops@bastion.example"' }, invalid).jumpHosts,
    [{ address: 'bastion.example', port: 22, user: 'ops' }],
  );
  // common args come first on ssh's command line, and ssh keeps the first value.
  assert.deepEqual(
    sshOptionsFromVars({ ansible_ssh_common_args: '-J first', ansible_ssh_extra_args: '-J second' }, invalid).jumpHosts,
    [{ address: 'first', port: 22, user: null }],
  );
});

void test('unusable ssh args name the variable', () => {
  assert.throws(() => sshOptionsFromVars({ ansible_ssh_common_args: '-o ProxyCommand="nc %h %p"' }, invalid), /^Error: ansible_ssh_common_args: ProxyCommand/);
  assert.throws(() => sshOptionsFromVars({ ansible_ssh_common_args: '-o "ProxyJump=b' }, invalid), /^Error: ansible_ssh_common_args: unterminated/);
  assert.throws(() => sshOptionsFromVars({ ansible_ssh_common_args: '-J a -o ProxyCommand="ssh -W %h:%p b"' }, invalid), /both ProxyJump and ProxyCommand/);
});

void test('host key checking: ansible_host_key_checking=false is off and wins; StrictHostKeyChecking maps to the modes', () => {
  assert.deepEqual(sshOptionsFromVars({ ansible_host_key_checking: 'False' }, invalid), { hostKeyChecking: 'off' });
  assert.deepEqual(sshOptionsFromVars({ ansible_ssh_host_key_checking: false, ansible_ssh_common_args: '-o StrictHostKeyChecking=yes' }, invalid), { hostKeyChecking: 'off' });
  // true is Ansible's default and says nothing about accept-new versus strict: the worker decides.
  assert.deepEqual(sshOptionsFromVars({ ansible_host_key_checking: 'true' }, invalid), {});
  assert.equal(sshOptionsFromVars({ ansible_ssh_common_args: '-o StrictHostKeyChecking=yes' }, invalid).hostKeyChecking, 'strict');
  assert.equal(sshOptionsFromVars({ ansible_ssh_common_args: '-o StrictHostKeyChecking=ask' }, invalid).hostKeyChecking, 'strict');
  assert.equal(sshOptionsFromVars({ ansible_ssh_extra_args: '-o StrictHostKeyChecking=accept-new' }, invalid).hostKeyChecking, 'accept-new');
  assert.equal(sshOptionsFromVars({ ansible_ssh_common_args: '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null' }, invalid).hostKeyChecking, 'off');
  assert.throws(() => sshOptionsFromVars({ ansible_host_key_checking: 'maybe' }, invalid), /ansible_host_key_checking: must be true or false/);
  assert.throws(() => sshOptionsFromVars({ ansible_ssh_common_args: '-o StrictHostKeyChecking=perhaps' }, invalid), /is not one of/);
});
